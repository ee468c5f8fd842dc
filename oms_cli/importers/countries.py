"""Country names and codes to ISO 3166-1 alpha-2.

Channels write countries as codes (Shopify, Amazon, WooCommerce) or as names
(Etsy, eBay), sometimes in the buyer's own language. :func:`country_code`
turns any of these into the two-letter code the carriers need.

Pure module: no database, no I/O.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# (alpha-2, alpha-3, English short name, other names people and channels write)
_COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("AD", "AND", "Andorra", ()),
    ("AE", "ARE", "United Arab Emirates", ("UAE", "Emirates")),
    ("AF", "AFG", "Afghanistan", ()),
    ("AG", "ATG", "Antigua and Barbuda", ("Antigua",)),
    ("AI", "AIA", "Anguilla", ()),
    ("AL", "ALB", "Albania", ("Shqipëria",)),
    ("AM", "ARM", "Armenia", ()),
    ("AO", "AGO", "Angola", ()),
    ("AQ", "ATA", "Antarctica", ()),
    ("AR", "ARG", "Argentina", ()),
    ("AS", "ASM", "American Samoa", ()),
    ("AT", "AUT", "Austria", ("Österreich",)),
    ("AU", "AUS", "Australia", ()),
    ("AW", "ABW", "Aruba", ()),
    ("AX", "ALA", "Åland Islands", ("Aland",)),
    ("AZ", "AZE", "Azerbaijan", ()),
    ("BA", "BIH", "Bosnia and Herzegovina", ("Bosnia", "Bosnia-Herzegovina")),
    ("BB", "BRB", "Barbados", ()),
    ("BD", "BGD", "Bangladesh", ()),
    ("BE", "BEL", "Belgium", ("België", "Belgique", "Belgien")),
    ("BF", "BFA", "Burkina Faso", ()),
    ("BG", "BGR", "Bulgaria", ("България",)),
    ("BH", "BHR", "Bahrain", ()),
    ("BI", "BDI", "Burundi", ()),
    ("BJ", "BEN", "Benin", ()),
    ("BL", "BLM", "Saint Barthélemy", ("St Barthelemy", "St Barts")),
    ("BM", "BMU", "Bermuda", ()),
    ("BN", "BRN", "Brunei Darussalam", ("Brunei",)),
    ("BO", "BOL", "Bolivia", ("Bolivia, Plurinational State of",)),
    ("BQ", "BES", "Bonaire, Sint Eustatius and Saba", ("Caribbean Netherlands", "Bonaire")),
    ("BR", "BRA", "Brazil", ("Brasil",)),
    ("BS", "BHS", "Bahamas", ()),
    ("BT", "BTN", "Bhutan", ()),
    ("BV", "BVT", "Bouvet Island", ()),
    ("BW", "BWA", "Botswana", ()),
    ("BY", "BLR", "Belarus", ("Беларусь",)),
    ("BZ", "BLZ", "Belize", ()),
    ("CA", "CAN", "Canada", ()),
    ("CC", "CCK", "Cocos (Keeling) Islands", ("Cocos Islands",)),
    (
        "CD",
        "COD",
        "Congo, Democratic Republic of the",
        ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"),
    ),
    ("CF", "CAF", "Central African Republic", ()),
    ("CG", "COG", "Congo", ("Republic of the Congo", "Congo-Brazzaville")),
    ("CH", "CHE", "Switzerland", ("Schweiz", "Suisse", "Svizzera")),
    ("CI", "CIV", "Côte d'Ivoire", ("Ivory Coast",)),
    ("CK", "COK", "Cook Islands", ()),
    ("CL", "CHL", "Chile", ()),
    ("CM", "CMR", "Cameroon", ()),
    ("CN", "CHN", "China", ("People's Republic of China", "PRC", "中国")),
    ("CO", "COL", "Colombia", ()),
    ("CR", "CRI", "Costa Rica", ()),
    ("CU", "CUB", "Cuba", ()),
    ("CV", "CPV", "Cabo Verde", ("Cape Verde",)),
    ("CW", "CUW", "Curaçao", ()),
    ("CX", "CXR", "Christmas Island", ()),
    ("CY", "CYP", "Cyprus", ("Κύπρος",)),
    ("CZ", "CZE", "Czechia", ("Czech Republic", "Česko", "Česká republika")),
    ("DE", "DEU", "Germany", ("Deutschland", "Allemagne", "Germania", "Alemania")),
    ("DJ", "DJI", "Djibouti", ()),
    ("DK", "DNK", "Denmark", ("Danmark",)),
    ("DM", "DMA", "Dominica", ()),
    ("DO", "DOM", "Dominican Republic", ()),
    ("DZ", "DZA", "Algeria", ()),
    ("EC", "ECU", "Ecuador", ()),
    ("EE", "EST", "Estonia", ("Eesti",)),
    ("EG", "EGY", "Egypt", ()),
    ("EH", "ESH", "Western Sahara", ()),
    ("ER", "ERI", "Eritrea", ()),
    ("ES", "ESP", "Spain", ("España", "Espagne", "Spanien")),
    ("ET", "ETH", "Ethiopia", ()),
    ("FI", "FIN", "Finland", ("Suomi",)),
    ("FJ", "FJI", "Fiji", ()),
    ("FK", "FLK", "Falkland Islands (Malvinas)", ("Falkland Islands", "Falklands")),
    ("FM", "FSM", "Micronesia", ("Micronesia, Federated States of", "Federated States of Micronesia")),
    ("FO", "FRO", "Faroe Islands", ("Faroes",)),
    ("FR", "FRA", "France", ()),
    ("GA", "GAB", "Gabon", ()),
    (
        "GB",
        "GBR",
        "United Kingdom",
        (
            "UK",
            "U.K.",
            "Great Britain",
            "Britain",
            "England",
            "Scotland",
            "Wales",
            "Northern Ireland",
            "United Kingdom of Great Britain and Northern Ireland",
            "Royaume-Uni",
            "Vereinigtes Königreich",
        ),
    ),
    ("GD", "GRD", "Grenada", ()),
    ("GE", "GEO", "Georgia", ()),
    ("GF", "GUF", "French Guiana", ()),
    ("GG", "GGY", "Guernsey", ()),
    ("GH", "GHA", "Ghana", ()),
    ("GI", "GIB", "Gibraltar", ()),
    ("GL", "GRL", "Greenland", ()),
    ("GM", "GMB", "Gambia", ()),
    ("GN", "GIN", "Guinea", ()),
    ("GP", "GLP", "Guadeloupe", ()),
    ("GQ", "GNQ", "Equatorial Guinea", ()),
    ("GR", "GRC", "Greece", ("Hellas", "Ελλάδα", "Ελλάς", "Griechenland", "Grèce")),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands", ()),
    ("GT", "GTM", "Guatemala", ()),
    ("GU", "GUM", "Guam", ()),
    ("GW", "GNB", "Guinea-Bissau", ()),
    ("GY", "GUY", "Guyana", ()),
    ("HK", "HKG", "Hong Kong", ("Hong Kong SAR", "Hong Kong SAR China")),
    ("HM", "HMD", "Heard Island and McDonald Islands", ()),
    ("HN", "HND", "Honduras", ()),
    ("HR", "HRV", "Croatia", ("Hrvatska",)),
    ("HT", "HTI", "Haiti", ()),
    ("HU", "HUN", "Hungary", ("Magyarország",)),
    ("ID", "IDN", "Indonesia", ()),
    ("IE", "IRL", "Ireland", ("Republic of Ireland", "Éire", "Eire")),
    ("IL", "ISR", "Israel", ()),
    ("IM", "IMN", "Isle of Man", ()),
    ("IN", "IND", "India", ()),
    ("IO", "IOT", "British Indian Ocean Territory", ()),
    ("IQ", "IRQ", "Iraq", ()),
    ("IR", "IRN", "Iran", ("Iran, Islamic Republic of",)),
    ("IS", "ISL", "Iceland", ("Ísland",)),
    ("IT", "ITA", "Italy", ("Italia", "Italie", "Italien")),
    ("JE", "JEY", "Jersey", ()),
    ("JM", "JAM", "Jamaica", ()),
    ("JO", "JOR", "Jordan", ()),
    ("JP", "JPN", "Japan", ("日本",)),
    ("KE", "KEN", "Kenya", ()),
    ("KG", "KGZ", "Kyrgyzstan", ()),
    ("KH", "KHM", "Cambodia", ()),
    ("KI", "KIR", "Kiribati", ()),
    ("KM", "COM", "Comoros", ()),
    ("KN", "KNA", "Saint Kitts and Nevis", ("St Kitts and Nevis",)),
    ("KP", "PRK", "North Korea", ("Korea, Democratic People's Republic of", "DPRK")),
    ("KR", "KOR", "South Korea", ("Korea", "Korea, Republic of", "Republic of Korea", "대한민국")),
    ("KW", "KWT", "Kuwait", ()),
    ("KY", "CYM", "Cayman Islands", ()),
    ("KZ", "KAZ", "Kazakhstan", ()),
    ("LA", "LAO", "Laos", ("Lao People's Democratic Republic", "Lao PDR")),
    ("LB", "LBN", "Lebanon", ()),
    ("LC", "LCA", "Saint Lucia", ("St Lucia",)),
    ("LI", "LIE", "Liechtenstein", ()),
    ("LK", "LKA", "Sri Lanka", ()),
    ("LR", "LBR", "Liberia", ()),
    ("LS", "LSO", "Lesotho", ()),
    ("LT", "LTU", "Lithuania", ("Lietuva",)),
    ("LU", "LUX", "Luxembourg", ("Luxemburg",)),
    ("LV", "LVA", "Latvia", ("Latvija",)),
    ("LY", "LBY", "Libya", ()),
    ("MA", "MAR", "Morocco", ()),
    ("MC", "MCO", "Monaco", ()),
    ("MD", "MDA", "Moldova", ("Moldova, Republic of", "Republic of Moldova")),
    ("ME", "MNE", "Montenegro", ()),
    ("MF", "MAF", "Saint Martin (French part)", ("Saint Martin", "St Martin")),
    ("MG", "MDG", "Madagascar", ()),
    ("MH", "MHL", "Marshall Islands", ()),
    ("MK", "MKD", "North Macedonia", ("Macedonia", "Republic of North Macedonia")),
    ("ML", "MLI", "Mali", ()),
    ("MM", "MMR", "Myanmar", ("Burma",)),
    ("MN", "MNG", "Mongolia", ()),
    ("MO", "MAC", "Macao", ("Macau", "Macao SAR China")),
    ("MP", "MNP", "Northern Mariana Islands", ()),
    ("MQ", "MTQ", "Martinique", ()),
    ("MR", "MRT", "Mauritania", ()),
    ("MS", "MSR", "Montserrat", ()),
    ("MT", "MLT", "Malta", ()),
    ("MU", "MUS", "Mauritius", ()),
    ("MV", "MDV", "Maldives", ()),
    ("MW", "MWI", "Malawi", ()),
    ("MX", "MEX", "Mexico", ("México",)),
    ("MY", "MYS", "Malaysia", ()),
    ("MZ", "MOZ", "Mozambique", ()),
    ("NA", "NAM", "Namibia", ()),
    ("NC", "NCL", "New Caledonia", ()),
    ("NE", "NER", "Niger", ()),
    ("NF", "NFK", "Norfolk Island", ()),
    ("NG", "NGA", "Nigeria", ()),
    ("NI", "NIC", "Nicaragua", ()),
    ("NL", "NLD", "Netherlands", ("Nederland", "Holland", "The Netherlands", "Pays-Bas", "Niederlande")),
    ("NO", "NOR", "Norway", ("Norge", "Noreg")),
    ("NP", "NPL", "Nepal", ()),
    ("NR", "NRU", "Nauru", ()),
    ("NU", "NIU", "Niue", ()),
    ("NZ", "NZL", "New Zealand", ("Aotearoa",)),
    ("OM", "OMN", "Oman", ()),
    ("PA", "PAN", "Panama", ("Panamá",)),
    ("PE", "PER", "Peru", ("Perú",)),
    ("PF", "PYF", "French Polynesia", ()),
    ("PG", "PNG", "Papua New Guinea", ()),
    ("PH", "PHL", "Philippines", ()),
    ("PK", "PAK", "Pakistan", ()),
    ("PL", "POL", "Poland", ("Polska", "Polen", "Pologne")),
    ("PM", "SPM", "Saint Pierre and Miquelon", ()),
    ("PN", "PCN", "Pitcairn", ("Pitcairn Islands",)),
    ("PR", "PRI", "Puerto Rico", ()),
    ("PS", "PSE", "Palestine", ("Palestine, State of", "Palestinian Territories")),
    ("PT", "PRT", "Portugal", ()),
    ("PW", "PLW", "Palau", ()),
    ("PY", "PRY", "Paraguay", ()),
    ("QA", "QAT", "Qatar", ()),
    ("RE", "REU", "Réunion", ()),
    ("RO", "ROU", "Romania", ("România",)),
    ("RS", "SRB", "Serbia", ("Србија",)),
    ("RU", "RUS", "Russia", ("Russian Federation", "Россия")),
    ("RW", "RWA", "Rwanda", ()),
    ("SA", "SAU", "Saudi Arabia", ()),
    ("SB", "SLB", "Solomon Islands", ()),
    ("SC", "SYC", "Seychelles", ()),
    ("SD", "SDN", "Sudan", ()),
    ("SE", "SWE", "Sweden", ("Sverige", "Schweden", "Suède")),
    ("SG", "SGP", "Singapore", ()),
    ("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", ("Saint Helena", "St Helena")),
    ("SI", "SVN", "Slovenia", ("Slovenija",)),
    ("SJ", "SJM", "Svalbard and Jan Mayen", ()),
    ("SK", "SVK", "Slovakia", ("Slovensko", "Slovak Republic")),
    ("SL", "SLE", "Sierra Leone", ()),
    ("SM", "SMR", "San Marino", ()),
    ("SN", "SEN", "Senegal", ()),
    ("SO", "SOM", "Somalia", ()),
    ("SR", "SUR", "Suriname", ()),
    ("SS", "SSD", "South Sudan", ()),
    ("ST", "STP", "Sao Tome and Principe", ("São Tomé and Príncipe",)),
    ("SV", "SLV", "El Salvador", ()),
    ("SX", "SXM", "Sint Maarten (Dutch part)", ("Sint Maarten",)),
    ("SY", "SYR", "Syria", ("Syrian Arab Republic",)),
    ("SZ", "SWZ", "Eswatini", ("Swaziland",)),
    ("TC", "TCA", "Turks and Caicos Islands", ()),
    ("TD", "TCD", "Chad", ()),
    ("TF", "ATF", "French Southern Territories", ()),
    ("TG", "TGO", "Togo", ()),
    ("TH", "THA", "Thailand", ()),
    ("TJ", "TJK", "Tajikistan", ()),
    ("TK", "TKL", "Tokelau", ()),
    ("TL", "TLS", "Timor-Leste", ("East Timor",)),
    ("TM", "TKM", "Turkmenistan", ()),
    ("TN", "TUN", "Tunisia", ()),
    ("TO", "TON", "Tonga", ()),
    ("TR", "TUR", "Türkiye", ("Turkey", "Turkiye")),
    ("TT", "TTO", "Trinidad and Tobago", ("Trinidad",)),
    ("TV", "TUV", "Tuvalu", ()),
    ("TW", "TWN", "Taiwan", ("Taiwan, Province of China", "台灣")),
    ("TZ", "TZA", "Tanzania", ("Tanzania, United Republic of",)),
    ("UA", "UKR", "Ukraine", ("Україна",)),
    ("UG", "UGA", "Uganda", ()),
    ("UM", "UMI", "United States Minor Outlying Islands", ()),
    (
        "US",
        "USA",
        "United States",
        (
            "United States of America",
            "U.S.",
            "U.S.A.",
            "America",
            "Vereinigte Staaten",
            "États-Unis",
        ),
    ),
    ("UY", "URY", "Uruguay", ()),
    ("UZ", "UZB", "Uzbekistan", ()),
    ("VA", "VAT", "Holy See", ("Vatican City", "Vatican")),
    ("VC", "VCT", "Saint Vincent and the Grenadines", ("St Vincent and the Grenadines",)),
    ("VE", "VEN", "Venezuela", ("Venezuela, Bolivarian Republic of",)),
    ("VG", "VGB", "Virgin Islands (British)", ("British Virgin Islands",)),
    ("VI", "VIR", "Virgin Islands (U.S.)", ("US Virgin Islands", "U.S. Virgin Islands")),
    ("VN", "VNM", "Viet Nam", ("Vietnam",)),
    ("VU", "VUT", "Vanuatu", ()),
    ("WF", "WLF", "Wallis and Futuna", ()),
    ("WS", "WSM", "Samoa", ()),
    ("XK", "XKX", "Kosovo", ()),
    ("YE", "YEM", "Yemen", ()),
    ("YT", "MYT", "Mayotte", ()),
    ("ZA", "ZAF", "South Africa", ()),
    ("ZM", "ZMB", "Zambia", ()),
    ("ZW", "ZWE", "Zimbabwe", ()),
)

#: Codes people write that are not the ISO code of the country they mean.
_CODE_ALIASES = {"UK": "GB", "EL": "GR"}


def _key(text: str) -> str:
    """Fold case, accents, punctuation and a leading 'the' so spellings meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = letters.replace("&", " and ").replace("st.", "saint ")
    cleaned = "".join(c if c.isalnum() else " " for c in letters if c not in "'’.")
    words = cleaned.split()
    if words and words[0] == "the":
        words = words[1:]
    if words and words[0] == "st":
        words[0] = "saint"
    return " ".join(words)


def _build() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    alpha2: dict[str, str] = {}
    alpha3: dict[str, str] = {}
    names: dict[str, str] = {}
    for code, code3, name, others in _COUNTRIES:
        alpha2[code] = name
        alpha3[code3] = code
        for spelling in (name, *others):
            names[_key(spelling)] = code
    return alpha2, alpha3, names


_ALPHA2, _ALPHA3, _NAMES = _build()

#: ISO alpha-2 code -> English short name.
COUNTRY_NAMES: dict[str, str] = dict(_ALPHA2)


@lru_cache(maxsize=1024)
def country_code(text: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country name or code, or None when unknown.

    Accepts alpha-2 and alpha-3 codes in any case, English names, common
    variants ("USA", "UK", "Great Britain") and a few native names ("Deutschland").
    """
    if text is None:
        return None
    stripped = text.strip()
    if not stripped:
        return None
    upper = stripped.upper()
    if len(upper) == 2:
        if upper in _ALPHA2:
            return upper
        if upper in _CODE_ALIASES:
            return _CODE_ALIASES[upper]
    if len(upper) == 3 and upper in _ALPHA3:
        return _ALPHA3[upper]
    return _NAMES.get(_key(stripped))


def country_name(code: str) -> str | None:
    """The English short name of an ISO alpha-2 code, or None when unknown."""
    return _ALPHA2.get(code.upper())
