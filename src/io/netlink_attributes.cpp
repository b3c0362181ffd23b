#include "io/netlink_attributes.hpp"

#include <algorithm>

namespace portsweep::netlink {

AttributeTable::AttributeTable(std::initializer_list<AttributeRule> rules) {
  uint16_t max_type = 0;
  for (const AttributeRule& r : rules) max_type = std::max(max_type, r.type);
  kinds_.assign(std::size_t{max_type} + 1, -1);
  for (const AttributeRule& r : rules) kinds_[r.type] = r.kind;
  found_.assign(kinds_.size(), nullptr);
}

int AttributeTable::parse(const nlmsghdr& message, std::size_t header_size) {
  std::fill(found_.begin(), found_.end(), nullptr);
  return mnl_attr_parse(&message, static_cast<unsigned>(header_size), on_attribute, this);
}

int AttributeTable::parse_nested(const nlattr& nest) {
  std::fill(found_.begin(), found_.end(), nullptr);
  return mnl_attr_parse_nested(&nest, on_attribute, this);
}

int AttributeTable::on_attribute(const nlattr* attr, void* data) {
  auto* self = static_cast<AttributeTable*>(data);
  // Beyond the highest type read: nothing to check, nothing kept.
  if (mnl_attr_type_valid(attr, static_cast<uint16_t>(self->kinds_.size() - 1)) < 0) return MNL_CB_OK;
  const uint16_t type = mnl_attr_get_type(attr);
  const int kind = self->kinds_[type];
  if (kind < 0) return MNL_CB_OK;
  if (mnl_attr_validate(attr, static_cast<mnl_attr_data_type>(kind)) < 0) return MNL_CB_ERROR;
  self->found_[type] = attr;
  return MNL_CB_OK;
}

}  // namespace portsweep::netlink
