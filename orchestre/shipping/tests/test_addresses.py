import pytest
from django.utils import translation

from orchestre.core.errors import InvalidInput
from orchestre.shipping.addresses import (
    COUNTRIES,
    EU_COUNTRIES,
    POSTCODE_RULES,
    country_choices,
    country_name,
    validate_address,
)


def address(**changes) -> dict:
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "company": "",
        "line1": "12 rue de la Paix",
        "line2": "",
        "postcode": "75002",
        "city": "Paris",
        "country": "FR",
        "phone": "",
        **changes,
    }


def errors_of(data: dict, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as raised:
        validate_address(data, **kwargs)
    assert raised.value.code == "invalid_address"
    return raised.value.fields


def test_a_valid_address_comes_back_with_every_key():
    assert validate_address(address(company="Orchestre SAS", phone="+33 6 12 34 56 78")) == {
        "first_name": "Camille",
        "last_name": "Martin",
        "company": "Orchestre SAS",
        "line1": "12 rue de la Paix",
        "line2": "",
        "postcode": "75002",
        "city": "Paris",
        "country": "FR",
        "phone": "+33 6 12 34 56 78",
    }


def test_missing_optional_keys_are_blank_and_unknown_keys_are_dropped():
    data = address()
    del data["company"], data["line2"], data["phone"]
    data["admin"] = True

    result = validate_address(data)

    assert (result["company"], result["line2"], result["phone"]) == ("", "", "")
    assert "admin" not in result


def test_spaces_are_collapsed_and_codes_upper_cased():
    result = validate_address(
        address(
            first_name="  Jean   Pierre ",
            last_name="\tDupont\n",
            line1=" 3  allée   des Tilleuls ",
            line2="  Bâtiment B ",
            postcode=" 75 002 ",
            city=" Saint-Denis   ",
            country=" fr ",
            phone=" +33  1 23  45 67 89 ",
        )
    )

    assert result == {
        "first_name": "Jean Pierre",
        "last_name": "Dupont",
        "company": "",
        "line1": "3 allée des Tilleuls",
        "line2": "Bâtiment B",
        "postcode": "75002",
        "city": "Saint-Denis",
        "country": "FR",
        "phone": "+33 1 23 45 67 89",
    }


def test_control_characters_are_dropped_and_accents_composed():
    result = validate_address(address(first_name="Ame\u0301lie\x00", city="Paris\x07"))

    assert result["first_name"] == "Amélie"
    assert result["city"] == "Paris"


def test_a_numeric_postcode_from_json_is_read_as_text():
    assert validate_address(address(postcode=75002))["postcode"] == "75002"


def test_every_missing_required_field_is_reported_at_once():
    fields = errors_of(
        {
            "first_name": " ",
            "last_name": "",
            "line1": None,
            "postcode": "",
            "city": "",
            "country": "",
        }
    )

    assert fields == {
        "first_name": ["Enter the first name."],
        "last_name": ["Enter the last name."],
        "line1": ["Enter the street address."],
        "city": ["Enter the town or city."],
        "country": ["Choose a country."],
    }


def test_the_summary_counts_the_fields_to_correct():
    with pytest.raises(InvalidInput) as raised:
        validate_address(address(first_name="", postcode="7500"))

    assert raised.value.message == "Check the address: 2 fields need correcting."
    assert raised.value.fields == {
        "first_name": ["Enter the first name."],
        "postcode": ["Enter a 5-digit French postcode, e.g. 75002."],
    }


def test_field_names_carry_the_prefix():
    fields = errors_of(address(city="", postcode="ABC"), field_prefix="shipping_address.")

    assert fields == {
        "shipping_address.postcode": ["Enter a 5-digit French postcode, e.g. 75002."],
        "shipping_address.city": ["Enter the town or city."],
    }


def test_too_long_values_name_the_limit():
    fields = errors_of(address(first_name="A" * 61, line1="B" * 101, company="C" * 80))

    assert fields == {
        "first_name": ["Enter at most 60 characters (you entered 61)."],
        "line1": ["Enter at most 100 characters (you entered 101)."],
    }


def test_values_that_are_not_text_are_refused():
    fields = errors_of(address(city=["Paris"], line2={"a": 1}, first_name=True))

    assert fields == {
        "first_name": ["Enter text."],
        "line2": ["Enter text."],
        "city": ["Enter text."],
    }


def test_an_unknown_country_is_refused_and_its_postcode_not_checked():
    fields = errors_of(address(country="ZZ", postcode="anything"))

    assert fields == {"country": ["Choose a country from the list."]}


def test_a_long_country_value_is_an_unknown_country():
    assert errors_of(address(country="France")) == {"country": ["Choose a country from the list."]}


@pytest.mark.parametrize(
    "phone",
    ["0612345678", "+33 6 12 34 56 78", "06.12.34.56.78", "+1 (555) 010-9999", "0033612345678"],
)
def test_phone_numbers_as_people_write_them(phone):
    assert validate_address(address(phone=phone))["phone"] == phone


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("call me", "Enter a phone number with digits only, e.g. +33 6 12 34 56 78."),
        ("+33 6 12 ab", "Enter a phone number with digits only, e.g. +33 6 12 34 56 78."),
        ("12345", "Enter a phone number of 6 to 15 digits, e.g. +33 6 12 34 56 78."),
        ("+1234567890123456", "Enter a phone number of 6 to 15 digits, e.g. +33 6 12 34 56 78."),
    ],
)
def test_phone_numbers_that_cannot_be_dialled(phone, message):
    assert errors_of(address(phone=phone)) == {"phone": [message]}


@pytest.mark.parametrize(
    ("country", "postcode", "official"),
    [
        ("FR", "75002", "75002"),
        ("FR", " 75 002 ", "75002"),
        ("FR", "01000", "01000"),
        ("FR", "20000", "20000"),  # Corsica
        ("FR", "97100", "97100"),  # Guadeloupe
        ("FR", "98800", "98800"),  # New Caledonia
        ("MC", "98000", "98000"),
        ("AD", "ad500", "AD500"),
        ("AD", "500", "AD500"),
        ("AT", "1010", "1010"),
        ("AU", "2000", "2000"),
        ("BE", "1000", "1000"),
        ("BG", "1000", "1000"),
        ("CA", "k1a0b1", "K1A 0B1"),
        ("CA", "K1A 0B1", "K1A 0B1"),
        ("CH", "8001", "8001"),
        ("CY", "1010", "1010"),
        ("CZ", "11000", "110 00"),
        ("CZ", "110 00", "110 00"),
        ("DE", "10115", "10115"),
        ("DE", "01067", "01067"),
        ("DK", "1050", "1050"),
        ("EE", "10111", "10111"),
        ("ES", "28013", "28013"),
        ("ES", "01001", "01001"),
        ("ES", "52001", "52001"),
        ("FI", "00100", "00100"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("GB", "M1 1AE", "M1 1AE"),
        ("GB", "EC1A 1BB", "EC1A 1BB"),
        ("GB", "B33 8TH", "B33 8TH"),
        ("GR", "10557", "105 57"),
        ("HR", "10000", "10000"),
        ("HU", "1051", "1051"),
        ("IE", "d02x285", "D02 X285"),
        ("IE", "A65 F4E2", "A65 F4E2"),
        ("IE", "", ""),
        ("IS", "101", "101"),
        ("IT", "00184", "00184"),
        ("JP", "1000001", "100-0001"),
        ("JP", "100-0001", "100-0001"),
        ("LI", "9490", "9490"),
        ("LT", "01100", "LT-01100"),
        ("LT", "LT-01100", "LT-01100"),
        ("LU", "1648", "L-1648"),
        ("LU", "L-1648", "L-1648"),
        ("LU", "l 1648", "L-1648"),
        ("LV", "lv-1050", "LV-1050"),
        ("LV", "1050", "LV-1050"),
        ("MT", "vlt1117", "VLT 1117"),
        ("NL", "1012ab", "1012 AB"),
        ("NL", "1012 AB", "1012 AB"),
        ("NO", "0150", "0150"),
        ("PL", "00950", "00-950"),
        ("PL", "00-950", "00-950"),
        ("PT", "1100148", "1100-148"),
        ("PT", "1100-148", "1100-148"),
        ("RO", "010011", "010011"),
        ("SE", "11152", "111 52"),
        ("SI", "SI-1000", "1000"),
        ("SK", "81101", "811 01"),
        ("US", "10001", "10001"),
        ("US", "100011234", "10001-1234"),
        ("US", "10001-1234", "10001-1234"),
        ("HK", "", ""),  # no postcodes in Hong Kong
        ("AE", "", ""),
    ],
)
def test_valid_postcodes_come_back_in_their_official_form(country, postcode, official):
    assert validate_address(address(country=country, postcode=postcode))["postcode"] == official


@pytest.mark.parametrize(
    ("country", "postcode", "message"),
    [
        ("FR", "7500", "Enter a 5-digit French postcode, e.g. 75002."),
        ("FR", "750021", "Enter a 5-digit French postcode, e.g. 75002."),
        ("FR", "00100", "Enter a 5-digit French postcode, e.g. 75002."),
        ("FR", "96100", "Enter a 5-digit French postcode, e.g. 75002."),
        ("FR", "2A004", "Enter a 5-digit French postcode, e.g. 75002."),
        ("FR", "98000", "Postcodes 98000 to 98099 are in Monaco: choose Monaco as the country."),
        ("FR", "", "Enter the postcode."),
        ("MC", "75002", "Enter a 5-digit Monaco postcode starting with 980, e.g. 98000."),
        ("AD", "AD900", "Enter an Andorran postcode of AD and 3 digits, e.g. AD500."),
        ("AT", "0100", "Enter a 4-digit Austrian postcode, e.g. 1010."),
        ("BE", "0999", "Enter a 4-digit Belgian postcode, e.g. 1000."),
        ("BE", "10000", "Enter a 4-digit Belgian postcode, e.g. 1000."),
        ("CA", "D1A 0B1", "Enter a Canadian postcode in the form A1A 1A1, e.g. K1A 0B1."),
        ("CH", "800", "Enter a 4-digit Swiss postcode, e.g. 8001."),
        ("CZ", "9100", "Enter a 5-digit Czech postcode, e.g. 110 00."),
        ("DE", "00123", "Enter a 5-digit German postcode, e.g. 10115."),
        ("DE", "1011", "Enter a 5-digit German postcode, e.g. 10115."),
        ("ES", "53001", "Enter a 5-digit Spanish postcode starting with 01 to 52, e.g. 28013."),
        ("ES", "00100", "Enter a 5-digit Spanish postcode starting with 01 to 52, e.g. 28013."),
        ("GB", "SW1A", "Enter a UK postcode, e.g. SW1A 1AA."),
        ("GB", "12345", "Enter a UK postcode, e.g. SW1A 1AA."),
        ("GR", "90000", "Enter a 5-digit Greek postcode, e.g. 105 57."),
        ("IE", "12345", "Enter an Eircode of 7 characters, e.g. D02 X285, or leave it blank."),
        ("IS", "1010", "Enter a 3-digit Icelandic postcode, e.g. 101."),
        ("IT", "0018", "Enter a 5-digit Italian postcode, e.g. 00184."),
        ("JP", "123456", "Enter a Japanese postcode in the form 123-4567, e.g. 100-0001."),
        ("LI", "9500", "Enter a Liechtenstein postcode from 9485 to 9498, e.g. 9490."),
        ("LU", "12345", "Enter a Luxembourg postcode of 4 digits, e.g. L-1648."),
        ("LU", "L-ABCD", "Enter a Luxembourg postcode of 4 digits, e.g. L-1648."),
        ("MT", "1117", "Enter a Maltese postcode of 3 letters and 4 digits, e.g. VLT 1117."),
        ("NL", "1012 SA", "Enter a Dutch postcode of 4 digits and 2 letters, e.g. 1012 AB."),
        ("NL", "0123 AB", "Enter a Dutch postcode of 4 digits and 2 letters, e.g. 1012 AB."),
        ("NL", "1012", "Enter a Dutch postcode of 4 digits and 2 letters, e.g. 1012 AB."),
        ("NL", "", "Enter the postcode."),
        ("PL", "1234", "Enter a Polish postcode in the form 12-345, e.g. 00-950."),
        ("PT", "1234-56", "Enter a Portuguese postcode in the form 1234-567, e.g. 1100-148."),
        ("RO", "01001", "Enter a 6-digit Romanian postcode, e.g. 010011."),
        ("SE", "01234", "Enter a 5-digit Swedish postcode, e.g. 111 52."),
        ("SK", "11000", "Enter a 5-digit Slovak postcode, e.g. 811 01."),
        ("US", "1234", "Enter a US ZIP code of 5 or 9 digits, e.g. 10001 or 10001-1234."),
        ("US", "123456", "Enter a US ZIP code of 5 or 9 digits, e.g. 10001 or 10001-1234."),
        ("DE", "1" * 13, "Enter at most 12 characters (you entered 13)."),
    ],
)
def test_invalid_postcodes_get_the_country_format(country, postcode, message):
    assert errors_of(address(country=country, postcode=postcode)) == {"postcode": [message]}


def test_a_country_without_postcodes_keeps_what_was_typed():
    assert validate_address(address(country="HK", postcode="999077"))["postcode"] == "999077"


def test_the_countries_cover_the_eu_and_the_main_destinations_with_postcode_rules():
    assert COUNTRIES.keys() >= EU_COUNTRIES
    assert len(EU_COUNTRIES) == 27
    assert {"GB", "CH", "NO", "US", "CA", "MC"} <= COUNTRIES.keys()
    assert set(COUNTRIES) - set(POSTCODE_RULES) == {"AE", "HK"}
    assert set(POSTCODE_RULES) <= set(COUNTRIES)


def test_country_choices_are_sorted_by_name_in_the_active_language():
    with translation.override("en"):
        choices = country_choices()

    assert len(choices) == len(COUNTRIES)
    assert choices[:3] == [("AD", "Andorra"), ("AU", "Australia"), ("AT", "Austria")]
    assert ("FR", "France") in choices


def test_country_names_are_translatable():
    with translation.override("en"):
        assert country_name("DE") == "Germany"
