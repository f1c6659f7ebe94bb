"""A reproducible generator of fictional Hanoi enterprises placed in real industrial parks, clusters,
craft villages and communes, with real standards, sector requirements, capabilities and supply links.

Everything comes from one ``random.Random(seed)``: the same (n, seed) gives the same data. Names are
fictional; places, standards and requirements are real.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import catalogue as cat
from .hanoi import COMMUNES, ZONE_NAMES_VI, ZONES, commune_rows

HANOI_OPERATING_ENTERPRISES = 223_580
DEMO_ENTERPRISES = 3_000
REFERENCE_DAY = date(2026, 11, 1)  # certificate dates are drawn around this day, so the demo is stable

_VN_BRANDS = ["An Phat", "Minh Long", "Thanh Dat", "Hoang Gia", "Phu Thanh", "Viet Tien", "Hong Ha", "Tan Phat",
              "Dai Duong", "Thai Son", "Kim Long", "Bao Minh", "Hung Thinh", "Quang Vinh", "Duc Anh", "Ha Thanh",
              "Tien Phong", "Song Hong", "Thang Long", "Nam Viet", "Hai Au", "Truong Son", "Phuc Loc", "Binh An",
              "Toan Thang", "Sao Mai", "Dong A", "Hoa Binh", "Vinh Quang", "Tri Viet", "Tam Duc", "Lac Hong"]
_VN_BRANDS_DIACRITICS = {"Hung Thinh": "Hưng Thịnh", "Thang Long": "Thăng Long", "Song Hong": "Sông Hồng",
                         "Duc Anh": "Đức Anh", "Dong A": "Đông Á", "Hoa Binh": "Hòa Bình", "Phuc Loc": "Phúc Lộc"}
_SECTOR_WORDS = {"automotive": "Phụ tùng ô tô", "electronics": "Điện tử", "mechanical": "Cơ khí",
                 "garments": "May mặc", "footwear": "Giày da", "food": "Thực phẩm", "medical": "Thiết bị y tế",
                 "wood": "Đồ gỗ", "handicrafts": "Thủ công mỹ nghệ", "plastics": "Nhựa", "packaging": "Bao bì"}
_LEGAL_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hợp tác xã", "Doanh nghiệp tư nhân"]
_FDI_PREFIX = ["Shin", "Dae", "Kyo", "Nippon", "Hana", "Tokai", "Sung", "Han", "Mitsu", "Pacific", "Asia", "Lotus",
               "Meiko", "Sanko", "Yong", "Fuji", "Orient", "Kosei", "Hwa", "Rhein"]
_FDI_SUFFIX = {"automotive": "Auto Parts", "electronics": "Electronics", "mechanical": "Precision",
               "garments": "Apparel", "footwear": "Footwear", "food": "Foods", "medical": "Medical",
               "wood": "Furniture", "handicrafts": "Home Decor", "plastics": "Plastics", "packaging": "Packaging"}
_ISSUERS = ["Bureau Veritas", "SGS Vietnam", "TÜV SÜD", "TÜV Rheinland", "Intertek", "QUACERT", "DNV", "BSI",
            "LRQA", "Control Union"]
_PRODUCTS = [  # HS code, name, sector
    ("8708", "Parts and accessories of motor vehicles", "automotive"),
    ("8714", "Parts of motorcycles", "automotive"),
    ("8544", "Insulated wire and cable", "electronics"), ("8536", "Electrical switches and connectors", "electronics"),
    ("8504", "Transformers and inductors", "electronics"), ("8473", "Parts of computers and office machines", "electronics"),
    ("7616", "Other articles of aluminium", "mechanical"), ("7326", "Other articles of iron or steel", "mechanical"),
    ("8481", "Taps, cocks and valves", "mechanical"), ("8207", "Interchangeable tools and dies", "mechanical"),
    ("6109", "T-shirts and vests, knitted", "garments"), ("6203", "Men's suits and trousers", "garments"),
    ("6403", "Footwear with leather uppers", "footwear"), ("4202", "Trunks, handbags and cases", "footwear"),
    ("1905", "Bread, pastry and biscuits", "food"), ("1602", "Prepared or preserved meat", "food"),
    ("2202", "Non-alcoholic beverages", "food"),
    ("9018", "Medical and surgical instruments", "medical"), ("3005", "Wadding, gauze and bandages", "medical"),
    ("9403", "Other furniture and parts", "wood"), ("4421", "Other articles of wood", "wood"),
    ("6912", "Ceramic tableware and household articles", "handicrafts"),
    ("4602", "Basketwork and articles of rattan", "handicrafts"), ("5007", "Woven fabrics of silk", "handicrafts"),
    ("3923", "Plastic articles for packing", "plastics"), ("3926", "Other articles of plastics", "plastics"),
    ("4016", "Other articles of vulcanised rubber", "plastics"),
    ("4819", "Cartons, boxes and cases of paper", "packaging"), ("4911", "Other printed matter", "packaging"),
]
_CAPABILITY_UNIT = {c[0]: c[4] for c in cat.CAPABILITIES}
_SECTOR_PRODUCTS = {}
for _hs, _name, _sector in _PRODUCTS:
    _SECTOR_PRODUCTS.setdefault(_sector, []).append(_hs)

# Chance that a firm of the sector holds a standard the sector's buyers ask for, by kind.
_HOLD_BASE = {"sme": 0.22, "large": 0.65, "fdi": 0.85}


@dataclass
class DemoData:
    """Everything the demo loads, as plain rows in the repositories' shapes."""

    standards: list[dict] = field(default_factory=list)
    sectors: list[dict] = field(default_factory=list)
    capabilities: list[dict] = field(default_factory=list)
    zones: list[dict] = field(default_factory=list)
    communes: list[dict] = field(default_factory=list)
    associations: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    sector_requirements: list[dict] = field(default_factory=list)
    enterprises: list[dict] = field(default_factory=list)
    enterprise_capabilities: list[dict] = field(default_factory=list)
    certifications: list[dict] = field(default_factory=list)
    enterprise_products: list[dict] = field(default_factory=list)
    buyer_requirements: list[dict] = field(default_factory=list)
    supply_links: list[dict] = field(default_factory=list)
    sector_capabilities: list[dict] = field(default_factory=list)
    sourcing_requests: list[dict] = field(default_factory=list)


def catalogue_rows() -> DemoData:
    from scoring.text import fold

    from .effort import effort_row
    data = DemoData()
    vi = cat.NAMES_VI
    data.standards = [{"id": i, "name_en": n, "name_vi": vi[i], "kind": k, "effort": e, "scope": s,
                       "search_text": fold(f"{i} {n} {vi[i]}"), **effort_row(i)} for i, n, k, e, s in cat.STANDARDS]
    data.sectors = [{"id": i, "name_en": n, "name_vi": vi[i], "isic": isic, "search_text": fold(f"{n} {vi[i]}"),
                     "aliases": cat.SECTOR_ALIASES.get(i, [])} for i, n, isic in cat.SECTORS]
    data.capabilities = [{"id": i, "name_en": n, "name_vi": vi[i], "parent": p, "isic": isic, "unit": u,
                          "search_text": fold(f"{n} {vi[i]}")} for i, n, p, isic, u in cat.CAPABILITIES]
    data.zones = [{"id": i, "name_en": n, "name_vi": ZONE_NAMES_VI.get(i), "kind": k, "commune": c, "latitude": lat,
                   "longitude": lon, "sectors": sectors, "search_text": fold(f"{n} {ZONE_NAMES_VI.get(i, '')}")}
                  for i, n, k, c, lat, lon, sectors in ZONES]
    data.communes = commune_rows()
    data.associations = [{"id": i, "name": n} for i, n in cat.ASSOCIATIONS]
    data.products = [{"hs": hs, "name": n, "sector": s} for hs, n, s in _PRODUCTS]
    data.sector_requirements = [{"sector": s, "standard": st, "mandatory": m}
                                for s, reqs in cat.SECTOR_REQUIREMENTS.items() for st, m in reqs]
    data.sector_capabilities = [{"sector": s, "capability": c}
                                for s, caps in cat.SECTOR_CAPABILITIES.items() for c in caps]
    return data


def enterprise_code(i: int) -> str:
    """A unique 10-digit Hanoi-style enterprise code (Hanoi codes start with 01)."""
    return f"01{(i * 7919 + 10_000_019) % 100_000_000:08d}"


def generate(n: int = DEMO_ENTERPRISES, seed: int = 7, share_fdi: float = 0.008, share_large: float = 0.010) -> DemoData:
    """Catalogues plus ``n`` enterprises with capabilities, certificates, products and supply links."""
    from scoring.text import fold, name_key

    rng = random.Random(seed)
    data = catalogue_rows()
    sectors = list(cat.SECTOR_WEIGHTS)
    sector_weights = [cat.SECTOR_WEIGHTS[s] for s in sectors]
    zones_by_sector = {s: [z for z in ZONES if s in z[6]] for s in sectors}
    countries = list(cat.FDI_HOME_COUNTRIES)
    country_weights = list(cat.FDI_HOME_COUNTRIES.values())
    n_fdi = max(1, round(n * share_fdi))
    n_large = max(1, round(n * share_large))

    buyers: list[tuple[str, str, str, tuple[float, float]]] = []  # (id, kind, sector, (lat, lon))
    smes_by_sector: dict[str, list[tuple[str, tuple[float, float], set]]] = {s: [] for s in sectors}
    for i in range(n):
        kind = "fdi" if i < n_fdi else "large" if i < n_fdi + n_large else "sme"
        sector = rng.choices(sectors, sector_weights)[0]
        code = enterprise_code(i)
        in_zone = rng.random() < (0.9 if kind != "sme" else 0.6)
        if in_zone and zones_by_sector[sector]:
            zone = rng.choice(zones_by_sector[sector])
            zone_id, commune, lat, lon = zone[0], zone[3], zone[4], zone[5]
            spread = 0.006
        else:
            zone_id = None
            commune, lat, lon = rng.choice(COMMUNES)
            spread = 0.015
        lat, lon = round(lat + rng.gauss(0, spread), 6), round(lon + rng.gauss(0, spread), 6)
        if kind == "fdi":
            home = rng.choices(countries, country_weights)[0]
            name = f"{rng.choice(_FDI_PREFIX)}{rng.choice(['', ' ', '-'])}{rng.choice(_FDI_PREFIX).lower()} " \
                   f"{_FDI_SUFFIX[sector]} Vietnam Co., Ltd."
            employees = int(min(12000, max(150, rng.lognormvariate(math.log(900), 0.8))))
            founded = rng.randint(1994, 2024)
            export_share = round(rng.uniform(0.5, 1.0), 2)
            revenue = rng.choice(["500-1000bn VND", ">1000bn VND", "200-500bn VND"])
        elif kind == "large":
            home = None
            name = f"{rng.choice(_LEGAL_FORMS[:2])} {_SECTOR_WORDS[sector]} {_brand(rng)}"
            employees = int(min(8000, max(200, rng.lognormvariate(math.log(600), 0.7))))
            founded = rng.randint(1986, 2020)
            export_share = round(rng.uniform(0.05, 0.6), 2)
            revenue = rng.choice(["200-500bn VND", "500-1000bn VND", ">1000bn VND"])
        else:
            home = None
            name = f"{rng.choice(_LEGAL_FORMS)} {_SECTOR_WORDS[sector]} {_brand(rng)}"
            employees = int(min(199, max(2, rng.lognormvariate(math.log(22), 0.9))))
            founded = rng.randint(1995, 2025)
            export_share = round(max(0.0, rng.gauss(0.08, 0.12)), 2) if rng.random() < 0.4 else 0.0
            revenue = rng.choice(["<3bn VND", "3-50bn VND", "3-50bn VND", "50-200bn VND"])
        caps_pool = cat.SECTOR_CAPABILITIES[sector]
        n_caps = 1 + min(len(caps_pool) - 1, int(rng.expovariate(0.8))) if kind == "sme" else rng.randint(3, 6)
        capabilities = rng.sample(caps_pool, min(len(caps_pool), n_caps))
        description = (f"{_SECTOR_WORDS[sector]}: " + ", ".join(c.replace('-', ' ') for c in capabilities)
                       + f". {commune}, Hà Nội.")
        folded_name, folded_description = fold(name), fold(description)
        record = {
            "id": code,
            "props": {
                "code": code, "name": name, "name_folded": folded_name, "name_key": name_key(name),
                "search_text": f"{folded_name} {folded_description}", "description": description,
                "description_text": folded_description,
                "kind": kind, "employees": employees, "founded": founded, "revenue_band": revenue,
                "export_share": export_share, "address": f"{commune}, Hà Nội", "commune": commune,
                "country": "VN", "source": f"demo-seed-{seed}",
            },
            "latitude": lat, "longitude": lon,
            "sectors": [{"id": sector, "name": sector}],
            "zone": zone_id,
            "associations": ([rng.choice(cat.ASSOCIATIONS)[0]] if rng.random() < 0.25 else []),
        }
        if home:
            record["props"]["home_country"] = home
        data.enterprises.append(record)

        size_factor = math.log10(max(employees, 2))
        held = set()
        for capability in capabilities:
            capacity = round(_CAPACITY_SCALE * size_factor ** 2 * rng.lognormvariate(0, 0.6), -1)
            data.enterprise_capabilities.append({"enterprise": code, "capability": capability,
                                                 "capacity": float(max(capacity, 10.0)),
                                                 "unit": _CAPABILITY_UNIT[capability]})
        hold_base = _HOLD_BASE[kind] * (0.6 + 0.25 * size_factor)
        for standard, mandatory in cat.SECTOR_REQUIREMENTS[sector]:
            p = hold_base * (1.0 if mandatory else 0.55) * (1.6 if standard == "iso-9001" else 1.0)
            if rng.random() < min(p, 0.97):
                issued = REFERENCE_DAY - timedelta(days=rng.randint(30, 3 * 365 + 200))
                expires = issued + timedelta(days=3 * 365)
                held.add(standard)
                data.certifications.append({
                    "enterprise": code, "standard": standard, "issuer": rng.choice(_ISSUERS),
                    "number": f"VN-{standard.upper()}-{rng.randint(10000, 99999)}", "issued": issued,
                    "expires": expires if _STANDARD_KIND[standard] == "certificate" else None})
        for hs in rng.sample(_SECTOR_PRODUCTS[sector], min(len(_SECTOR_PRODUCTS[sector]), rng.randint(1, 2))):
            data.enterprise_products.append({"enterprise": code, "hs": hs})
        if kind == "sme":
            smes_by_sector[sector].append((code, (lat, lon), held))
        else:
            buyers.append((code, kind, sector, (lat, lon)))

    for buyer_id, kind, sector, _ in buyers:
        for standard, mandatory in cat.SECTOR_REQUIREMENTS[sector]:
            roll = rng.random()
            if mandatory or roll < 0.5:
                data.buyer_requirements.append({"buyer": buyer_id, "standard": standard,
                                                "mandatory": mandatory if roll > 0.15 else not mandatory})

    _link_suppliers(rng, buyers, smes_by_sector, data)
    _open_requests(rng, buyers, data)
    return data


# Open sourcing requests per buyer: every FDI and large firm is buying (the city's plan links SMEs to their
# demand); about one open request for every ten enterprises, at any scale.
REQUESTS_PER_BUYER = {"fdi": (5, 11), "large": (3, 8)}


def _open_requests(rng, buyers, data) -> None:
    """Open sourcing requests of every buyer, in its sector's terms: one or two capabilities, the buyer's
    mandatory standards, each preferred one half the time, and now and then one more made mandatory
    for this request (a customer's programme: RoHS for one part, REACH for another)."""
    requirements: dict[str, list[dict]] = {}
    for r in data.buyer_requirements:
        requirements.setdefault(r["buyer"], []).append({"id": r["standard"], "mandatory": r["mandatory"]})
    for buyer_id, kind, sector, (lat, lon) in buyers:
        low, high = REQUESTS_PER_BUYER[kind]
        own = requirements.get(buyer_id, [])
        for n in range(rng.randint(low, high)):
            caps = rng.sample(cat.SECTOR_CAPABILITIES[sector], min(len(cat.SECTOR_CAPABILITIES[sector]),
                                                                   rng.randint(1, 2)))
            standards = {s["id"]: s["mandatory"] for s in own if s["mandatory"] or rng.random() < 0.5}
            extra = [st for st, _ in cat.SECTOR_REQUIREMENTS[sector] if st not in standards]
            if extra and rng.random() < 0.25:
                standards[rng.choice(extra)] = True
            data.sourcing_requests.append({
                "reference": f"REQ-{buyer_id}-{n + 1}", "buyer": buyer_id, "status": "open",
                "title": f"{_SECTOR_WORDS[sector]}: " + ", ".join(c.replace("-", " ") for c in caps),
                "text": " ".join(c.replace("-", " ") for c in caps), "capabilities": sorted(caps), "products": [],
                "standards": [{"id": i, "mandatory": m} for i, m in sorted(standards.items())],
                "monthly_volume": float(rng.choice([500, 2000, 5000, 10000, 20000])),
                "max_distance_km": float(rng.choice([20, 30, 50])), "latitude": lat, "longitude": lon})


_CAPACITY_SCALE = 2_000.0
_STANDARD_KIND = {s[0]: s[2] for s in cat.STANDARDS}


def _brand(rng: random.Random) -> str:
    brand = rng.choice(_VN_BRANDS)
    return _VN_BRANDS_DIACRITICS.get(brand, brand) if rng.random() < 0.5 else brand


def _link_suppliers(rng, buyers, smes_by_sector, data) -> None:
    """Known supply links: buyers source from same-sector SMEs, nearer and better certified first."""
    year = REFERENCE_DAY.year
    mandatory = {s: {st for st, m in reqs if m} for s, reqs in cat.SECTOR_REQUIREMENTS.items()}
    for buyer_id, kind, sector, (blat, blon) in buyers:
        pool = smes_by_sector[sector]
        if not pool:
            continue
        sample = rng.sample(pool, min(len(pool), 300))
        ranked = []
        for sme_id, (lat, lon), held in sample:
            km = 111.0 * math.hypot(lat - blat, (lon - blon) * math.cos(math.radians(blat)))
            fit = len(held & mandatory[sector]) / max(1, len(mandatory[sector]))
            ranked.append((fit * 2.0 - km / 20.0 + rng.gauss(0, 0.5), sme_id))
        ranked.sort(reverse=True)
        n_links = rng.randint(3, 12 if kind == "fdi" else 8)
        for _, sme_id in ranked[:n_links]:
            data.supply_links.append({"supplier": sme_id, "buyer": buyer_id,
                                      "since": rng.randint(max(2005, year - 15), year), "product": None})
