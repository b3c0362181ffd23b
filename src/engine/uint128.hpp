#pragma once
#include "portsweep/uint128.hpp"
