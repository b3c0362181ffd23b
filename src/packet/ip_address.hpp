#pragma once
// IpAddress is a public type now (results carry it); this keeps the old path.
#include "portsweep/ip_address.hpp"
