#!/usr/bin/env python3
"""Writes corpus.jsonl: the bad inputs every target field must refuse.

Each line is one case: the target (a field of one call, see
tests/vault/bad_input_test.cc and tests/cli/cli_bad_input_test.cc), the
value (as "value"; as "hex" when it is not valid UTF-8 or holds NUL; as
"repeat" and "times" when it is long),
its class, the status code the call must answer with ("expect") and,
when it is not the target's field, what the message must name ("names"). The corpus is
committed; run this script again after changing it (python3
tests/badinput/make_corpus.py) and commit both.
"""
import json
import pathlib

CARD = "4111111111111111"


def cards():
    """Card numbers (test numbers of every brand) in the forms people type."""
    brands = {
        "visa": CARD,
        "mastercard": "5555555555554444",
        "amex": "378282246310005",
        "discover": "6011111111111117",
        "jcb": "3530111333300000",
        "diners": "30569309025904",
        "unionpay": "6200000000000005",
        "maestro": "6759649826438453",
    }
    out = [(f"card_{b}", n) for b, n in brands.items()]
    groups = [CARD[i:i + 4] for i in range(0, 16, 4)]
    for name, sep in [("spaces", " "), ("double_spaces", "  "), ("dashes", "-"),
                      ("dots", "."), ("slashes", "/"), ("spaced_dashes", " - "),
                      ("underscores", "_"), ("colons", ":"), ("nbsp", "\u00a0"),
                      ("thin_space", "\u2009")]:
        out.append((f"card_visa_{name}", sep.join(groups)))
    out.append(("card_fullwidth", "".join(chr(0xFF10 + int(d)) for d in CARD)))
    out.append(("card_arabic_indic", "".join(chr(0x0660 + int(d)) for d in CARD)))
    out.append(("card_in_text", f"my card is {CARD} thanks"))
    return out


def text_bad(empty_ok=False):
    """Bad values for any text field: sizes, encodings, control characters."""
    out = []
    if not empty_ok:
        out.append(("empty", {"value": ""}))
    out += [
        ("oversized_5k", {"repeat": "a", "times": 5000}),
        ("oversized_70k", {"repeat": "b", "times": 70000}),
        ("invalid_utf8_truncated", {"hex": "61c3"}),
        ("invalid_utf8_bad_continuation", {"hex": "c328"}),
        ("invalid_utf8_overlong_slash", {"hex": "c0af"}),
        ("invalid_utf8_surrogate", {"hex": "eda080"}),
        ("invalid_utf8_ff", {"hex": "fffe41"}),
        ("nul_inside", {"hex": "61620063"}),
        ("control_soh", {"value": "a\u0001b"}),
        ("control_escape_sequence", {"value": "\u001b[31mred"}),
        ("control_del", {"value": "a\u007fb"}),
    ]
    return out


def identifier_bad():
    """Values an identifier (a token of letters, digits and . _ -) refuses."""
    return [
        ("sql_quote_drop", {"value": "x'); DROP TABLE customers;--"}),
        ("sql_or_true", {"value": "' OR '1'='1"}),
        ("sql_semicolon", {"value": "a;b"}),
        ("path_escape", {"value": "../../etc/passwd"}),
        ("space_inside", {"value": "a b"}),
        ("non_ascii_letter", {"value": "r\u00e9f"}),
    ]


def with_cards(items):
    return items + [(name, {"value": v}) for name, v in cards()]


TARGETS = {
    # target: (bad values, expected code)
    "customer.full_name": with_cards(text_bad()),
    "customer.email": with_cards(text_bad()) + [
        ("email_no_at", {"value": "not-an-email"}),
        ("email_no_domain", {"value": "a@"}),
        ("email_no_local", {"value": "@example.com"}),
        ("email_two_ats", {"value": "a@@example.com"}),
        ("email_space", {"value": "a b@example.com"}),
    ],
    "customer.phone": with_cards(text_bad()) + [
        ("phone_too_short", {"value": "12"}),
        ("phone_letters", {"value": "+1 (555) CALL-NOW"}),
        ("phone_two_plus", {"value": "++442071838750"}),
    ],
    "customer.country": text_bad() + [
        ("country_unknown", {"value": "XX"}),
        ("country_lower_alpha3", {"value": "usa"}),
        ("country_one_letter", {"value": "D"}),
        ("country_digit", {"value": "D1"}),
    ],
    "customer.language": text_bad() + [
        ("language_punctuation", {"value": "english!!"}),
        ("language_dangling_dash", {"value": "en-"}),
    ],
    "customer.postal_address": with_cards(text_bad(empty_ok=True)),
    # The caller's account reference and the shop's order reference are free
    # text: quotes, spaces and semicolons are theirs to use (and harmless:
    # every statement binds its values).
    "customer.external_ref": with_cards(text_bad()),
    "ticket.summary": with_cards(text_bad()),
    # A SKU may hold '/', so a path-like SKU is a SKU.
    "ticket.product_sku": with_cards(
        text_bad() + [i for i in identifier_bad() if i[0] != "path_escape"]),
    "refund.order_ref": with_cards(text_bad()),
    "payment.charge_id": with_cards(text_bad() + identifier_bad()),
    "payment.currency": text_bad() + [
        ("currency_word", {"value": "EURO"}),
        ("currency_two_letters", {"value": "EU"}),
        ("currency_symbol", {"value": "\u20ac"}),
    ],
    "payment.amount_minor": [
        ("amount_negative", {"value": "-1"}),
        ("amount_zero", {"value": "0"}),
        ("amount_int64_max", {"value": "9223372036854775807"}),
        ("amount_int64_min", {"value": "-9223372036854775808"}),
    ],
    "notice.template_id": with_cards(text_bad() + identifier_bad()),
    "notice.channel": text_bad() + [("channel_unknown", {"value": "carrier_pigeon"})],
    "consent.purpose": text_bad() + [("purpose_unknown", {"value": "everything"})],
    "consent.actor": with_cards(text_bad() + identifier_bad()),
    # An unknown role or purpose is the policy's to refuse; an empty or
    # card-like one is refused as input before the policy is asked.
    "context.role": [("role_unknown", {"value": "root", "expect": "permission_denied"}),
                     ("role_empty", {"value": ""}), ("role_card", {"value": CARD})],
    "context.purpose": [("purpose_unknown",
                         {"value": "everything", "expect": "permission_denied"}),
                        ("purpose_empty", {"value": ""}),
                        ("purpose_card", {"value": CARD})],
    "context.principal_id": with_cards(text_bad() + identifier_bad()),
    "dsr.request_id": with_cards(text_bad(empty_ok=True) + identifier_bad()),
    "ticket.opened_at_us": [
        # A time far in the past is importing help-desk history: refused to
        # the support agent by the policy, naming the action.
        ("date_far_past", {"value": "-2208988800000000",  # 1900-01-01
                           "expect": "permission_denied",
                           "names": "support.import_history"}),
        ("date_far_future", {"value": "253402300799000000"}),  # 9999-12-31
        ("date_int64_min", {"value": "-9223372036854775808",
                            "expect": "permission_denied",
                            "names": "support.import_history"}),
    ],
    # Times in the past from the operator, who may import history (a future
    # one is a current ticket, which the operator may not write).
    "ticket.import_opened_at_us": [
        ("date_far_past", {"value": "-2208988800000000"}),
        ("date_before_epoch", {"value": "-1"}),
        ("date_int64_min", {"value": "-9223372036854775808"}),
    ],
}



def main():
    here = pathlib.Path(__file__).resolve().parent
    lines = []
    for target, cases in TARGETS.items():
        for name, value in cases:
            case = {"target": target, "class": name}
            case.update(value)
            case.setdefault("expect", "invalid_argument")
            lines.append(json.dumps(case, ensure_ascii=True, sort_keys=True))
    (here / "corpus.jsonl").write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} cases")


if __name__ == "__main__":
    main()
