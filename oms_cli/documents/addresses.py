"""Address lines in the order the destination country's post expects them.

Pure module. The locality line (city, region, postcode) is where countries differ:
US/CA/AU write ``City ST ZIP``, Germany and France ``ZIP City``, the UK puts the
postcode on a line of its own under the post town.
"""

from __future__ import annotations

from .data import PostalAddress

# Countries whose post wants the postcode before the city on one line.
_ZIP_CITY = frozenset("AT BE BG CH CZ DE DK EE ES FI FR GR HR HU IS IT LI LT LU LV MC NL NO PL PT RO SE SI SK".split())
# Countries whose post wants the postcode alone on the last line.
_POSTCODE_LAST = frozenset({"GB", "IE", "IM", "JE", "GG"})
# City, region abbreviation and postcode on one line.
_CITY_REGION_ZIP = frozenset({"US", "CA", "AU", "PR"})

#: English country names for the international line, as posts print them (upper case).
COUNTRY_NAMES: dict[str, str] = {
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CN": "China",
    "CY": "Cyprus",
    "CZ": "Czech Republic",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HK": "Hong Kong",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JP": "Japan",
    "KR": "South Korea",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "MX": "Mexico",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "RS": "Serbia",
    "RU": "Russia",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "TR": "Turkey",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "US": "United States",
    "ZA": "South Africa",
}


def _join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def locality_lines(address: PostalAddress) -> list[str]:
    """The city / region / postcode line(s) of ``address``, in its country's order."""
    country = (address.country or "").upper()
    city, region, postcode = address.city, address.province, address.postal_code
    if country in _CITY_REGION_ZIP:
        lines = [_join(city, region, postcode)]
    elif country in _POSTCODE_LAST:
        lines = [(city or "").strip(), (region or "").strip(), (postcode or "").strip()]
    elif country == "IT":
        lines = [_join(postcode, city, region)]  # 00144 Roma RM
    elif country in _ZIP_CITY:
        lines = [_join(postcode, city)]
        if region and region.strip() and region.strip() != (city or "").strip():
            lines.append(region.strip())
    else:
        lines = [_join(city, region, postcode)]
    return [line for line in lines if line]


def country_line(address: PostalAddress, from_country: str | None) -> str | None:
    """The destination country's name in capitals when the parcel crosses a border."""
    country = (address.country or "").upper()
    if not country or country == (from_country or "").upper():
        return None
    return COUNTRY_NAMES.get(country, country).upper()


def address_lines(address: PostalAddress, from_country: str | None = None) -> list[str]:
    """Every printed line of ``address``: name, company, street lines, locality, country."""
    lines = [
        (address.name or "").strip(),
        (address.company or "").strip(),
        (address.address1 or "").strip(),
        (address.address2 or "").strip(),
        (address.address3 or "").strip(),
        *locality_lines(address),
    ]
    country = country_line(address, from_country)
    if country:
        lines.append(country)
    return [line for line in lines if line]
