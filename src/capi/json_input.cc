#include "capi/json_input.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace cvault::capi {
namespace {

using Json = nlohmann::json;

// One JSON object argument and the path used to name its members.
class JsonObject {
 public:
  // Parses without exceptions: a parser's message may quote the input.
  static StatusOr<JsonObject> Parse(std::string_view text, std::string_view arg) {
    Json json =
        Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return Error(Status::InvalidArgument(std::string(arg) + ": not valid JSON"));
    }
    return Of(std::move(json), std::string(arg));
  }

  StatusOr<std::string> String(std::string_view key) const {
    CVAULT_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(key));
    if (!value) return Error(Missing(key));
    return std::move(*value);
  }

  StatusOr<std::optional<std::string>> OptionalString(std::string_view key) const {
    const Json* member = Find(key);
    if (member == nullptr || member->is_null()) return std::optional<std::string>();
    if (!member->is_string()) return Error(WrongType(key, "a string"));
    return std::optional<std::string>(member->get<std::string>());
  }

  StatusOr<bool> Bool(std::string_view key, bool fallback) const {
    const Json* member = Find(key);
    if (member == nullptr || member->is_null()) return fallback;
    if (!member->is_boolean()) return Error(WrongType(key, "true or false"));
    return member->get<bool>();
  }

  StatusOr<std::int64_t> Integer(std::string_view key) const {
    const Json* member = Find(key);
    if (member == nullptr || member->is_null()) return Error(Missing(key));
    if (!member->is_number_integer()) return Error(WrongType(key, "an integer"));
    return member->get<std::int64_t>();
  }

  StatusOr<std::vector<std::string>> Strings(std::string_view key) const {
    std::vector<std::string> values;
    const Json* member = Find(key);
    if (member == nullptr || member->is_null()) return values;
    if (!member->is_array()) return Error(WrongType(key, "an array of strings"));
    for (const Json& item : *member) {
      if (!item.is_string()) return Error(WrongType(key, "an array of strings"));
      values.push_back(item.get<std::string>());
    }
    return values;
  }

  StatusOr<JsonObject> Object(std::string_view key) const {
    const Json* member = Find(key);
    if (member == nullptr || member->is_null()) return Error(Missing(key));
    return Of(*member, Path(key));
  }

  // An optional UTC time member.
  StatusOr<std::optional<Timestamp>> Time(std::string_view key) const {
    CVAULT_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(key));
    if (!text) return std::optional<Timestamp>();
    CVAULT_ASSIGN_OR_RETURN(Timestamp time, ParseTimestamp(*text, Path(key)));
    return std::optional<Timestamp>(time);
  }

  // An unknown member is most likely a misspelt one: refuse it rather than
  // drop what the caller meant to store.
  Status OnlyKnown(std::initializer_list<std::string_view> known) const {
    return OnlyKnown(std::span<const std::string_view>(known.begin(), known.size()));
  }
  Status OnlyKnown(std::span<const std::string_view> known) const {
    for (const auto& [key, value] : json_.items()) {
      bool found = false;
      for (std::string_view name : known) found = found || name == key;
      if (!found) {
        return Status::InvalidArgument(path_ + ": unknown member; expected one of " +
                                       Listed(known));
      }
    }
    return Status::Ok();
  }

 private:
  JsonObject(Json json, std::string path)
      : json_(std::move(json)), path_(std::move(path)) {}

  static StatusOr<JsonObject> Of(Json json, std::string path) {
    if (!json.is_object()) {
      return Error(Status::InvalidArgument(path + ": must be a JSON object"));
    }
    return JsonObject(std::move(json), std::move(path));
  }

  static std::string Listed(std::span<const std::string_view> names) {
    std::string out;
    for (std::string_view name : names) {
      if (!out.empty()) out += ", ";
      out += name;
    }
    return out;
  }

  const Json* Find(std::string_view key) const {
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }
  std::string Path(std::string_view key) const { return path_ + "." + std::string(key); }
  Status Missing(std::string_view key) const {
    return Status::InvalidArgument(Path(key) + ": required");
  }
  Status WrongType(std::string_view key, std::string_view what) const {
    return Status::InvalidArgument(Path(key) + ": must be " + std::string(what));
  }

  Json json_;
  std::string path_;
};

// A member naming an enumerator, read with the enum's Parse function.
template <class Enum>
StatusOr<Enum> NamedMember(const JsonObject& object, std::string_view key,
                           std::string_view arg_path,
                           std::optional<Enum> (*parse)(std::string_view)) {
  CVAULT_ASSIGN_OR_RETURN(std::string name, object.String(key));
  std::optional<Enum> value = parse(name);
  if (!value) {
    return Error(Status::InvalidArgument(std::string(arg_path) + "." + std::string(key) +
                                         ": not a known name"));
  }
  return *value;
}

StatusOr<Product> ProductFrom(const JsonObject& parent, std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, parent.Object("product"));
  CVAULT_RETURN_IF_ERROR(object.OnlyKnown({"kind", "sku"}));
  Product product;
  const std::string path = std::string(arg) + ".product";
  CVAULT_ASSIGN_OR_RETURN(product.kind,
                          NamedMember(object, "kind", path, &ParseProductKind));
  CVAULT_ASSIGN_OR_RETURN(product.sku, object.String("sku"));
  return product;
}

StatusOr<CustomerId> CustomerMember(const JsonObject& object, std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(std::string text, object.String("customer_id"));
  auto id = CustomerId::Parse(text);
  if (!id) return Error(id.error().WithContext(std::string(arg) + ".customer_id"));
  return *id;
}

constexpr std::array<std::string_view, 7> kCustomerMembers = {
    "full_name", "email",    "phone",       "postal_address",
    "country",   "language", "external_ref"};

}  // namespace

StatusOr<NewCustomer> NewCustomerFromJson(std::string_view text, std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(text, arg));
  CVAULT_RETURN_IF_ERROR(object.OnlyKnown(kCustomerMembers));
  NewCustomer customer;
  CVAULT_ASSIGN_OR_RETURN(customer.full_name, object.String("full_name"));
  CVAULT_ASSIGN_OR_RETURN(customer.email, object.String("email"));
  CVAULT_ASSIGN_OR_RETURN(customer.phone, object.OptionalString("phone"));
  CVAULT_ASSIGN_OR_RETURN(customer.postal_address,
                          object.OptionalString("postal_address"));
  CVAULT_ASSIGN_OR_RETURN(customer.country, object.OptionalString("country"));
  CVAULT_ASSIGN_OR_RETURN(customer.language, object.OptionalString("language"));
  CVAULT_ASSIGN_OR_RETURN(customer.external_ref, object.OptionalString("external_ref"));
  return customer;
}

StatusOr<CustomerUpdate> CustomerUpdateFromJson(std::string_view text,
                                                std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(text, arg));
  CVAULT_RETURN_IF_ERROR(object.OnlyKnown(kCustomerMembers));
  CustomerUpdate update;
  CVAULT_ASSIGN_OR_RETURN(update.full_name, object.OptionalString("full_name"));
  CVAULT_ASSIGN_OR_RETURN(update.email, object.OptionalString("email"));
  CVAULT_ASSIGN_OR_RETURN(update.phone, object.OptionalString("phone"));
  CVAULT_ASSIGN_OR_RETURN(update.postal_address, object.OptionalString("postal_address"));
  CVAULT_ASSIGN_OR_RETURN(update.country, object.OptionalString("country"));
  CVAULT_ASSIGN_OR_RETURN(update.language, object.OptionalString("language"));
  CVAULT_ASSIGN_OR_RETURN(update.external_ref, object.OptionalString("external_ref"));
  return update;
}

StatusOr<ConsentGrant> ConsentGrantFromJson(std::string_view text, std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(text, arg));
  CVAULT_RETURN_IF_ERROR(object.OnlyKnown(
      {"purpose", "notice_id", "notice_version", "collection_method", "channel", "type",
       "language", "pii_categories", "third_parties", "actor", "expires_at"}));
  ConsentGrant grant;
  CVAULT_ASSIGN_OR_RETURN(grant.purpose, object.String("purpose"));
  CVAULT_ASSIGN_OR_RETURN(grant.notice_id, object.String("notice_id"));
  CVAULT_ASSIGN_OR_RETURN(grant.notice_version, object.String("notice_version"));
  CVAULT_ASSIGN_OR_RETURN(grant.collection_method, object.String("collection_method"));
  CVAULT_ASSIGN_OR_RETURN(grant.channel, object.String("channel"));
  CVAULT_ASSIGN_OR_RETURN(std::optional<std::string> type, object.OptionalString("type"));
  if (type) {
    std::optional<ConsentType> parsed = ParseConsentType(*type);
    if (!parsed) {
      return Error(Status::InvalidArgument(
          std::string(arg) + ".type: must be \"explicit\" or \"implicit\""));
    }
    grant.type = *parsed;
  }
  CVAULT_ASSIGN_OR_RETURN(std::optional<std::string> language,
                          object.OptionalString("language"));
  if (language) grant.language = std::move(*language);
  CVAULT_ASSIGN_OR_RETURN(std::optional<std::string> actor,
                          object.OptionalString("actor"));
  if (actor) grant.actor = std::move(*actor);
  CVAULT_ASSIGN_OR_RETURN(grant.pii_categories, object.Strings("pii_categories"));
  CVAULT_ASSIGN_OR_RETURN(grant.third_parties, object.Strings("third_parties"));
  CVAULT_ASSIGN_OR_RETURN(grant.expires_at, object.Time("expires_at"));
  return grant;
}

StatusOr<NewTicket> NewTicketFromJson(std::string_view text, std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(text, arg));
  CVAULT_RETURN_IF_ERROR(object.OnlyKnown(
      {"customer_id", "product", "summary", "substantial", "opened_at"}));
  NewTicket ticket;
  CVAULT_ASSIGN_OR_RETURN(ticket.customer, CustomerMember(object, arg));
  CVAULT_ASSIGN_OR_RETURN(ticket.product, ProductFrom(object, arg));
  CVAULT_ASSIGN_OR_RETURN(ticket.summary, object.String("summary"));
  CVAULT_ASSIGN_OR_RETURN(ticket.substantial, object.Bool("substantial", false));
  CVAULT_ASSIGN_OR_RETURN(ticket.opened_at, object.Time("opened_at"));
  return ticket;
}

StatusOr<NewRefundCase> NewRefundCaseFromJson(std::string_view text,
                                              std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(text, arg));
  CVAULT_RETURN_IF_ERROR(
      object.OnlyKnown({"customer_id", "order_ref", "product", "reason", "ticket_ids"}));
  NewRefundCase refund;
  CVAULT_ASSIGN_OR_RETURN(refund.customer, CustomerMember(object, arg));
  CVAULT_ASSIGN_OR_RETURN(refund.order_ref, object.String("order_ref"));
  CVAULT_ASSIGN_OR_RETURN(refund.product, ProductFrom(object, arg));
  CVAULT_ASSIGN_OR_RETURN(refund.reason,
                          NamedMember(object, "reason", arg, &ParseRefundReason));
  CVAULT_ASSIGN_OR_RETURN(refund.ticket_ids, object.Strings("ticket_ids"));
  return refund;
}

StatusOr<PaymentReference> PaymentFromJson(std::string_view text, std::string_view arg) {
  CVAULT_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(text, arg));
  CVAULT_RETURN_IF_ERROR(
      object.OnlyKnown({"processor", "charge_id", "payment_intent_id", "refund_id",
                        "capture_id", "amount_minor", "currency"}));
  PaymentReference payment;
  CVAULT_ASSIGN_OR_RETURN(payment.processor,
                          NamedMember(object, "processor", arg, &ParseProcessor));
  CVAULT_ASSIGN_OR_RETURN(payment.charge_id, object.OptionalString("charge_id"));
  CVAULT_ASSIGN_OR_RETURN(payment.payment_intent_id,
                          object.OptionalString("payment_intent_id"));
  CVAULT_ASSIGN_OR_RETURN(payment.refund_id, object.OptionalString("refund_id"));
  CVAULT_ASSIGN_OR_RETURN(payment.capture_id, object.OptionalString("capture_id"));
  CVAULT_ASSIGN_OR_RETURN(payment.amount_minor, object.Integer("amount_minor"));
  CVAULT_ASSIGN_OR_RETURN(payment.currency, object.String("currency"));
  return payment;
}

}  // namespace cvault::capi
