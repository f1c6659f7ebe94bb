"""Labelled pairs of enterprise records for duplicate detection: a seeded generator.

Each pair is two records (name, address, country, optionally code and coordinates) and a label:
True when both are one firm spelt two ways, False when they are two firms. Positives vary what people
vary when they type a firm: the legal form (Công ty TNHH / Cty TNHH / Co., Ltd / S.A. de C.V. ...),
its dots and commas, case, accents, letters written apart, stray or missing spaces, typos, the
Vietnamese or English transaction name, sector words dropped or translated, "Vietnam"/"Vina" added,
and the address written another way (abbreviations, English, fewer parts, missing). Negatives are
mostly hard: co-tenants of one industrial park in one trade, names one syllable apart, one brand
word shared ("Hanes Ink" / "Hanes Brands"), one name in two trades, numbered units, different
enterprise codes, different countries; a few are easy.

``pairs(seed)`` returns the list; ``split(pairs)`` the training and held-out parts (a fixed half each,
chosen by the seed; tune on "train" only).
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

SYLLABLES = ("An Bình Châu Đại Đức Gia Hà Hải Hòa Hoàng Hồng Hưng Khang Kim Lâm Long Lộc Mai Minh Nam Ngọc "
             "Nhật Phát Phú Phúc Phương Quang Sao Sơn Tài Tâm Tân Thái Thắng Thành Thiên Thịnh Tiến Toàn "
             "Trung Trường Tuấn Việt Vinh Vĩnh Xuân Bảo Cường Đông Hạnh Hiệp Khánh Lợi Nguyên Quốc Tín Trí "
             "Vạn Hiền Luân Đạt Huy Kiên Nghĩa Thuận Dũng").split()
FOREIGN_SYLLABLES = ("han sung dae woo jin kyung young hyun seo fuji taka yama naka kawa mori hana shin tomo kyo "
                     "zhong hua xin feng jia hong yuan sheng hanes berg nord alpen vista delta apex orion terra "
                     "nova mak alot regi tex kor pung kook sai star").split()
FOREIGN_WORDS = ("Ink Brands Precision Apparel Electronics Parts Motors Tech Works Textile Vision Components "
                 "Industrial Fashion Global Mold Steel Cable Print Trading").split()
SECTORS = [("Thương mại", "Trading"), ("Cơ khí", "Mechanical"), ("May mặc", "Garment"),
           ("Điện tử", "Electronics"), ("Nhựa", "Plastics"), ("Xây dựng", "Construction"),
           ("Thực phẩm", "Food"), ("Bao bì", "Packaging"), ("Dịch vụ", "Services"),
           ("Sản xuất", "Manufacturing"), ("Đầu tư", "Investment"), ("Công nghệ", "Technology"),
           ("Gỗ", "Wood"), ("Thép", "Steel"), ("Hóa chất", "Chemicals"), ("Vận tải", "Logistics")]
VN_FORMS = {
    "tnhh": ["Công ty TNHH", "Công ty Trách nhiệm hữu hạn", "Cty TNHH", "CÔNG TY TNHH", "Công ty TNHH MTV",
             "Công ty TNHH Một thành viên", "Cty. TNHH", "C.ty TNHH"],
    "cp": ["Công ty Cổ phần", "Công ty CP", "CTCP", "Cty CP", "Công ty cổ phần", "Cty Cổ phần"],
    "dntn": ["Doanh nghiệp tư nhân", "DNTN", "Doanh nghiệp TN"],
    "htx": ["Hợp tác xã", "HTX"],
}
EN_FORMS = {
    "tnhh": ["Co., Ltd", "Co.,Ltd.", "Company Limited", "Co. Ltd", "CO., LTD", "Co Ltd", "Limited Company"],
    "cp": ["Joint Stock Company", "JSC", "J.S.C", "Jsc.", "Corporation", "Joint-Stock Co."],
    "dntn": ["Private Enterprise", "Enterprise"],
    "htx": ["Cooperative", "Co-operative"],
}
FOREIGN_FORMS = ["Co., Ltd", "Vietnam Co., Ltd", "Vina Co., Ltd", "S.A. de C.V.", "SA de CV", "GmbH", "Inc.",
                 "Corporation", "Pte. Ltd.", "Limited", "Co.,Ltd.", "(Vietnam) Co. Ltd", "Ltd."]
PARKS = [("Quang Minh", "Mê Linh"), ("Thăng Long", "Đông Anh"), ("Nội Bài", "Sóc Sơn"),
         ("Bắc Thăng Long", "Đông Anh"), ("Nam Thăng Long", "Bắc Từ Liêm"), ("Phú Nghĩa", "Chương Mỹ"),
         ("Thạch Thất - Quốc Oai", "Thạch Thất"), ("Hòa Lạc", "Thạch Thất"), ("Đại An", "Hải Dương"),
         ("Nhơn Trạch 2", "Đồng Nai")]
PARK_CENTRES = {"Quang Minh": (21.187, 105.770), "Thăng Long": (21.122, 105.787), "Nội Bài": (21.247, 105.823),
                "Bắc Thăng Long": (21.125, 105.760), "Nam Thăng Long": (21.073, 105.768),
                "Phú Nghĩa": (20.930, 105.650), "Thạch Thất - Quốc Oai": (21.010, 105.590),
                "Hòa Lạc": (21.011, 105.528), "Đại An": (20.923, 106.300), "Nhơn Trạch 2": (10.724, 106.924)}
STREETS = ("Nguyễn Trãi", "Giải Phóng", "Láng Hạ", "Trần Duy Hưng", "Phạm Văn Đồng", "Kim Mã", "Lê Văn Lương",
           "Hoàng Quốc Việt", "Nguyễn Văn Cừ", "Tam Trinh", "Minh Khai", "Trường Chinh", "Xuân Thủy", "Lạc Long Quân")
WARDS = ("Thanh Xuân", "Hoàng Mai", "Cầu Giấy", "Đống Đa", "Ba Đình", "Long Biên", "Hà Đông", "Tây Hồ",
         "Hai Bà Trưng", "Bạch Mai", "Kim Liên", "Nghĩa Đô")
VN_COUNTRY = ["VN", "Vietnam", "Viet Nam", "Việt Nam", "VIETNAM", None]


@dataclass
class Firm:
    proper: str            # "Minh Phát" or "Hansung"
    sector: int | None     # index into SECTORS
    form: str              # tnhh, cp, dntn, htx or "foreign"
    foreign_form: str = ""
    foreign_word: str = ""
    unit: int | None = None
    address: dict = field(default_factory=dict)
    country: str = "VN"


@dataclass(frozen=True)
class Pair:
    a: dict
    b: dict
    same: bool
    kind: str


def strip_accents(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    # -- firms -------------------------------------------------------------------------------------
    def proper(self) -> str:
        return " ".join(self.r.sample(SYLLABLES, self.r.choice((2, 2, 2, 3))))

    def foreign_proper(self) -> str:
        word = "".join(self.r.sample(FOREIGN_SYLLABLES, self.r.choice((1, 2, 2)))).capitalize()
        return word if self.r.random() < 0.5 else word.upper() if len(word) <= 5 else word

    def address(self) -> dict:
        if self.r.random() < 0.55:
            park, district = self.r.choice(PARKS)
            lat, lng = PARK_CENTRES[park]
            return {"kind": "park", "lot": f"{self.r.choice('ABCDE')}{self.r.randint(1, 30)}"
                    if self.r.random() < 0.4 else str(self.r.randint(1, 80)),
                    "park": park, "district": district,
                    "lat": lat + self.r.uniform(-0.008, 0.008), "lng": lng + self.r.uniform(-0.008, 0.008)}
        return {"kind": "street", "number": str(self.r.randint(1, 400)), "street": self.r.choice(STREETS),
                "ward": self.r.choice(WARDS),
                "lat": 21.0 + self.r.uniform(-0.06, 0.06), "lng": 105.82 + self.r.uniform(-0.06, 0.06)}

    def firm(self) -> Firm:
        if self.r.random() < 0.3:
            return Firm(proper=self.foreign_proper(), sector=None, form="foreign",
                        foreign_form=self.r.choice(FOREIGN_FORMS),
                        foreign_word=self.r.choice(FOREIGN_WORDS) if self.r.random() < 0.6 else "",
                        address=self.address())
        return Firm(proper=self.proper(), sector=self.r.randrange(len(SECTORS)) if self.r.random() < 0.8 else None,
                    form=self.r.choice(("tnhh", "tnhh", "tnhh", "cp", "cp", "dntn", "htx")), address=self.address())

    # -- writing a firm down -----------------------------------------------------------------------
    def name(self, f: Firm, english: bool | None = None, sector: bool = True) -> str:
        unit = f" Unit {f.unit}" if f.unit else ""
        if f.form == "foreign":
            words = " ".join(w for w in (f.proper, f.foreign_word) if w)
            return f"{words}{unit} {f.foreign_form}".strip()
        english = self.r.random() < 0.35 if english is None else english
        proper = strip_accents(f.proper) if english else f.proper
        if english:
            sec = SECTORS[f.sector][1] if sector and f.sector is not None else ""
            return " ".join(w for w in (proper, sec, unit.strip(), self.r.choice(EN_FORMS[f.form])) if w)
        sec = SECTORS[f.sector][0] if sector and f.sector is not None else ""
        vn_unit = f" - Nhà máy số {f.unit}" if f.unit else ""
        return " ".join(w for w in (self.r.choice(VN_FORMS[f.form]), sec, proper) if w) + vn_unit

    def address_text(self, addr: dict, style: str | None = None) -> str:
        style = style or self.r.choice(("vn", "vn_short", "en", "en_short", "plain"))
        if addr["kind"] == "park":
            park, district, lot = addr["park"], addr["district"], addr["lot"]
            text = {
                "vn": f"Lô {lot}, Khu công nghiệp {park}, huyện {district}, Hà Nội",
                "vn_short": f"Lô {lot} KCN {park}, H. {district}, TP Hà Nội",
                "en": f"Lot {lot}, {strip_accents(park)} Industrial Park, {strip_accents(district)} District, Hanoi, Vietnam",
                "en_short": f"Lot {lot}, {strip_accents(park)} IP, {strip_accents(district)}",
                "plain": f"KCN {park}, {district}",
            }[style]
        else:
            number, street, ward = addr["number"], addr["street"], addr["ward"]
            text = {
                "vn": f"Số {number} đường {street}, phường {ward}, Hà Nội",
                "vn_short": f"{number} {street}, P. {ward}, HN",
                "en": f"No. {number} {strip_accents(street)} Street, {strip_accents(ward)} Ward, Hanoi, Vietnam",
                "en_short": f"{number} {strip_accents(street)} St., {strip_accents(ward)}",
                "plain": f"{number} {street}, {ward}",
            }[style]
        return strip_accents(text) if self.r.random() < 0.3 else text.upper() if self.r.random() < 0.1 else text

    def record(self, f: Firm, name: str, address: str | None, code: str | None = None,
               with_location: bool = False, jitter: float = 0.001) -> dict:
        rec = {"name": name, "address": address,
               "country": self.r.choice(VN_COUNTRY) if f.country == "VN" else f.country}
        if code:
            rec["code"] = code
        if with_location:
            rec["latitude"] = f.address["lat"] + self.r.uniform(-jitter, jitter)
            rec["longitude"] = f.address["lng"] + self.r.uniform(-jitter, jitter)
        return rec

    # -- spelling changes ------------------------------------------------------------------------------
    def respell(self, name: str) -> str:
        """One or two of the changes people make to a name they type."""
        changes = self.r.sample(("case", "accents", "spaced", "space", "typo", "dots", "suffix"), self.r.choice((1, 1, 2)))
        for change in changes:
            if change == "case":
                name = self.r.choice((name.upper(), name.lower(), name.title()))
            elif change == "accents":
                name = strip_accents(name)
            elif change == "spaced":
                words = name.split()
                short = [i for i, w in enumerate(words) if 3 <= len(w) <= 6 and w.isalpha() and w[0].isupper()
                         and w not in ("Công", "Cty", "CTCP", "TNHH", "DNTN", "HTX", "Ltd", "Ltd.")]
                if short:
                    i = self.r.choice(short)
                    words[i] = " ".join(words[i].upper())
                    name = " ".join(words)
            elif change == "space":
                words = name.split()
                i = self.r.randrange(len(words))
                if len(words[i]) >= 5 and self.r.random() < 0.5:
                    cut = self.r.randint(2, len(words[i]) - 2)
                    words[i] = words[i][:cut] + " " + words[i][cut:]
                elif i + 1 < len(words):
                    words[i:i + 2] = [words[i] + words[i + 1]]
                name = "  ".join(words) if self.r.random() < 0.2 else " ".join(words)
            elif change == "typo":
                name = self.typo(name)
            elif change == "dots":
                name = name.replace(".", "").replace(",", "") if self.r.random() < 0.5 else name.replace(" ", " ", 1)
        return name

    def typo(self, name: str) -> str:
        words = name.split()
        candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w[0].isupper() and w.upper() != w]
        if not candidates:
            return name
        i = self.r.choice(candidates)
        w = words[i]
        j = self.r.randint(1, len(w) - 2)
        op = self.r.choice(("swap", "drop", "double", "sub"))
        if op == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op == "drop":
            w = w[:j] + w[j + 1:]
        elif op == "double":
            w = w[:j] + w[j] + w[j:]
        else:
            w = w[:j] + self.r.choice("aeiounmrt") + w[j + 1:]
        words[i] = w
        return " ".join(words)

    def variant_firm_name(self, f: Firm) -> str:
        """The same firm named another way: another legal spelling, the English name, sector dropped..."""
        move = self.r.random()
        if f.form == "foreign":
            if move < 0.4:
                g = Firm(**{**f.__dict__, "foreign_form": self.r.choice(FOREIGN_FORMS)})
                return self.respell(self.name(g))
            if move < 0.6:
                return self.respell(f"{f.proper} {f.foreign_word}".strip())
            return self.respell(self.name(f))
        if move < 0.35:
            return self.respell(self.name(f, english=not self.r.random() < 0.5))
        if move < 0.5:
            return self.respell(self.name(f, sector=False))
        return self.respell(self.name(f))

    # -- pairs -------------------------------------------------------------------------------------
    def positive(self) -> Pair:
        f = self.firm()
        located = self.r.random() < 0.25
        code = f"01{self.r.randint(0, 99999999):08d}" if self.r.random() < 0.3 else None
        a = self.record(f, self.name(f), self.address_text(f.address), code, located)
        roll = self.r.random()
        if roll < 0.1:
            address_b = None
        else:
            address_b = self.address_text(f.address)
        b = self.record(f, self.variant_firm_name(f), address_b, None, located)
        return Pair(a, b, True, "same firm")

    def same_firm_second_address(self) -> Pair:
        """One firm at its registered office and at its plant: names as the register has them."""
        f = self.firm()
        a = self.record(f, self.name(f, english=False), self.address_text(f.address))
        plant = self.address()
        b = {"name": self.r.choice((self.name(f, english=False).upper(), strip_accents(self.name(f, english=False)))),
             "address": self.address_text(plant), "country": self.r.choice(VN_COUNTRY)}
        return Pair(a, b, True, "same firm, second address")

    def negative(self) -> Pair:
        kind = self.r.choices(
            ("co-tenants", "near name", "brand word", "two trades", "units", "codes", "countries", "easy",
             "one letter"), weights=(3, 3, 2, 2, 1, 1, 1, 1, 2))[0]
        f = self.firm()
        located = self.r.random() < 0.25
        if kind == "co-tenants":
            g = self.firm()
            g.address = dict(f.address, lot=str(self.r.randint(81, 99))) if f.address["kind"] == "park" else \
                dict(f.address, number=str(self.r.randint(401, 500)))
            g.sector, g.form = f.sector, f.form if f.form != "foreign" else g.form
            if f.form == "foreign":
                g.form, g.foreign_form, g.proper = "foreign", f.foreign_form, self.foreign_proper()
                g.foreign_word = f.foreign_word
            return Pair(self.record(f, self.name(f), self.address_text(f.address), None, located),
                        self.record(g, self.name(g), self.address_text(g.address), None, located),
                        False, kind)
        if kind in ("near name", "one letter"):
            g = Firm(**f.__dict__)
            if f.form == "foreign":
                g.proper = f.proper[:-2] + self.r.choice(("on", "an", "ex", "ia", "ko")) \
                    if kind == "one letter" and len(f.proper) > 4 else self.foreign_proper()
                g.foreign_word = self.r.choice([w for w in FOREIGN_WORDS if w != f.foreign_word])
            elif kind == "near name":
                words = f.proper.split()
                words[-1] = self.r.choice([s for s in SYLLABLES if s not in words])
                g.proper = " ".join(words)
            else:
                words = f.proper.split()
                w = words[-1]
                j = self.r.randrange(len(w))
                words[-1] = w[:j] + self.r.choice([c for c in "nhtmclpg" if c != w[j].lower()]) + w[j + 1:]
                g.proper = " ".join(words)
            same_place = self.r.random() < 0.5
            g.address = dict(f.address, lot=str(self.r.randint(81, 99)), number=str(self.r.randint(401, 500))) \
                if same_place else self.address()
            return Pair(self.record(f, self.name(f), self.address_text(f.address), None, located),
                        self.record(g, self.variant_firm_name(g), self.address_text(g.address), None, located),
                        False, kind)
        if kind == "brand word":
            g = Firm(**f.__dict__)
            if f.form == "foreign":
                g.foreign_word = self.r.choice([w for w in FOREIGN_WORDS if w != f.foreign_word])
            else:
                g.proper = f.proper.split()[0] + " " + self.r.choice(SYLLABLES)
                g.sector = self.r.randrange(len(SECTORS))
            g.address = self.address() if self.r.random() < 0.5 else dict(f.address, lot="90", number="499")
            return Pair(self.record(f, self.name(f), self.address_text(f.address), None, located),
                        self.record(g, self.name(g), self.address_text(g.address), None, located),
                        False, kind)
        if kind == "two trades":
            if f.form == "foreign" or f.sector is None:
                f = Firm(proper=self.proper(), sector=0, form="tnhh", address=self.address())
            g = Firm(**{**f.__dict__, "sector": self.r.choice([i for i in range(len(SECTORS)) if i != f.sector]),
                        "address": self.address()})
            return Pair(self.record(f, self.name(f), self.address_text(f.address), None, located),
                        self.record(g, self.name(g), self.address_text(g.address), None, located),
                        False, kind)
        if kind == "units":
            f.unit = self.r.randint(1, 3)
            g = Firm(**{**f.__dict__, "unit": f.unit + self.r.randint(1, 3)})
            return Pair(self.record(f, self.name(f), self.address_text(f.address), None, located),
                        self.record(g, self.name(g), self.address_text(dict(f.address, lot="95", number="450")),
                                    None, located),
                        False, kind)
        if kind == "codes":
            return Pair(self.record(f, self.name(f), self.address_text(f.address), f"0101{self.r.randint(0, 999999):06d}"),
                        self.record(f, self.variant_firm_name(f), self.address_text(f.address),
                                    f"0109{self.r.randint(0, 999999):06d}"),
                        False, kind)
        if kind == "countries":
            return Pair(self.record(f, self.name(f), self.address_text(f.address)),
                        {"name": self.variant_firm_name(f), "address": "No. 8 Industrial Road, Shenzhen",
                         "country": self.r.choice(("China", "CN", "CHINA", "Korea", "KR", "Mexico"))},
                        False, kind)
        g = self.firm()
        return Pair(self.record(f, self.name(f), self.address_text(f.address), None, located),
                    self.record(g, self.name(g), self.address_text(g.address), None, located), False, kind)


def pairs(seed: int = 2026, n: int = 600) -> list[Pair]:
    """``n`` labelled pairs, half same-firm, half different-firm."""
    g = _Gen(seed)
    out = []
    for i in range(n // 2):
        out.append(g.same_firm_second_address() if i % 20 == 19 else g.positive())
        out.append(g.negative())
    return out


def split(items: list[Pair], seed: int = 2026) -> tuple[list[Pair], list[Pair]]:
    """(training part, held-out part): a fixed random half each."""
    order = list(range(len(items)))
    random.Random(seed * 7 + 1).shuffle(order)
    half = len(items) // 2
    return [items[i] for i in sorted(order[:half])], [items[i] for i in sorted(order[half:])]


if __name__ == "__main__":  # a look at a few pairs
    for p in pairs()[:40]:
        print(p.same, p.kind, "|", p.a.get("name"), "|", p.a.get("address"), "||", p.b.get("name"), "|", p.b.get("address"))
