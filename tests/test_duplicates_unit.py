"""The duplicate verdict and the blocking keys on pairs, without the graph."""
import pytest

from matchmaker.importing.duplicates import address_similarity, compare_names, duplicate_verdict
from scoring.text import blocking_keys, name_key, name_parts


def shares_a_block(a: str, b: str) -> bool:
    ka, kb = blocking_keys(a), blocking_keys(b)
    return name_key(a) == name_key(b) or any(ka[k] == kb[k] for k in ka)


SAME_FIRM = [
    ("Hanes Ink", "HANES INK S.A. DE C.V.", "Zip Choloma, Cortes", "Zip Choloma,Cortes"),
    ("H A N E S Ink", "Hanes Ink", None, None),
    ("Hanes  Ink Co., Ltd.", "HanesInk Co Ltd", "Lot 5, Quang Minh IP", "Lô 5 KCN Quang Minh"),
    ("Công ty TNHH Cơ khí An Phát", "AN PHAT MECHANICAL CO., LTD", "Lô 5, KCN Quang Minh, Mê Linh, Hà Nội",
     "Lot 5, Quang Minh Industrial Park, Me Linh District, Hanoi"),
    ("Cty CP May mặc Minh Phát", "Minh Phat Garment J.S.C", "Số 12 đường Nguyễn Trãi, phường Thanh Xuân",
     "No. 12 Nguyen Trai Street, Thanh Xuan Ward, Hanoi"),
    ("CTCP Nhựa Sao Mai", "Công ty Cổ phần Nhựa Sao Mai", "Sóc Sơn, Hà Nội", None),
    ("DNTN Thắng Lộc", "Doanh nghiệp tư nhân Thang Loc", "LOT C30, NOI BAI IP, SOC SON", "Lô C30 KCN Nội Bài, H. Sóc Sơn"),
    ("Hợp tác xã Gỗ Lợi Hà", "HTX Go Loi Ha", "Phú Nghĩa, Chương Mỹ", "KCN Phu Nghia, Chuong My"),
    ("GFSI Southwest S. de R.L. de C.V.", "GFSI Southwest S DE Rl DE CV", "PRIVADA MARTEL SN MANZANA 4,LOTE 7 & 8,Reynosa",
     "PRIVADA MARTEL SN MANZANA 4,LOTE 7 & 8,Reynosa"),
    ("Zhongshan Yi Jun Knitting Co Ltd", "Zhong Shan City Yi Jun Knitwear Co. Ltd.",
     "No. 38 Changsheng Street,Souther District,Zhongshan,Guangdong",
     "No.38 Changsheng Road 2nd Industrial Area Southern District Zhong Shan City Guangdong China"),
    ("Công ty TNHH Thương mại Hoàng Long", "Cong ty TNHH Thuong mai Hoang Lnog", "Số 45 Kim Mã, Ba Đình",
     "45 Kim Ma St., Ba Dinh"),
]

TWO_FIRMS = [
    ("Hanes Ink", "Hanes Brands", "Zip Choloma, Cortes", "Zip Choloma, Cortes"),
    ("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phương", "Lô 5, KCN Quang Minh", "Lô 7, KCN Quang Minh"),
    ("Minh Long Mechanical", "Minh Long Electronics", "KCN Thăng Long, Đông Anh", "KCN Thăng Long, Đông Anh"),
    ("Công ty TNHH Cơ khí An Phát", "Công ty TNHH Cơ khí Tân Phát", "Lô 5, KCN Quang Minh", "Lô 9, KCN Quang Minh"),
    ("Jeans Knit Private Ltd Unit 3", "Jeans Knit Private Ltd Unit 4", "Peenya Industrial Area, Bangalore",
     "Peenya Industrial Area, Bangalore"),
    ("Công ty TNHH Thương mại Minh Phát", "Công ty TNHH Xây dựng Minh Phát", "12 Nguyễn Trãi, Thanh Xuân",
     "KCN Phú Nghĩa, Chương Mỹ"),
    ("Shanghai Weifang Garments Factory", "Shanghai Weijie Garment Co. Ltd", "No.1270 Hangtang Road, Fengxian",
     "1228 Huiping Road, Nanxiang Jiading"),
    ("Công ty TNHH May Việt Hàn", "Công ty TNHH Điện tử Việt Nhật", "KCN Quang Minh, Mê Linh", "KCN Quang Minh, Mê Linh"),
]


@pytest.mark.parametrize("a,b,address_a,address_b", SAME_FIRM)
def test_spellings_of_one_firm_meet_in_a_block_and_are_flagged(a, b, address_a, address_b):
    assert shares_a_block(a, b)
    verdict = duplicate_verdict({"name": a, "address": address_a, "country": "VN"},
                                {"name": b, "address": address_b, "country": "Viet Nam"})
    assert verdict is not None and 0 < verdict[0] <= 1


@pytest.mark.parametrize("a,b,address_a,address_b", TWO_FIRMS)
def test_two_firms_are_not_flagged(a, b, address_a, address_b):
    assert duplicate_verdict({"name": a, "address": address_a}, {"name": b, "address": address_b}) is None


def test_two_different_enterprise_codes_are_never_flagged():
    a = {"name": "Hanes Ink", "address": "Zip Choloma", "code": "0101000001"}
    assert duplicate_verdict(a, {**a, "code": "0101000002"}) is None
    assert duplicate_verdict(a, {**a, "code": "0101000001-001"}) is None
    assert duplicate_verdict(a, {**a, "code": None}) is not None


def test_countries_are_compared_as_normalised():
    a = {"name": "Eclat Textile Co. Ltd.", "address": "5A Road, Nhon Trach 2 Industrial Zone"}
    assert duplicate_verdict({**a, "country": "Vietnam"}, {**a, "country": "VN"}) is not None
    assert duplicate_verdict({**a, "country": "Việt Nam"}, {**a, "country": "Viet Nam"}) is not None
    assert duplicate_verdict({**a, "country": "VN"}, {**a, "country": "CHINA"}) is None


def test_distance_counts_when_addresses_are_missing():
    a = {"name": "Cty TNHH Sao Việt", "latitude": 21.0300, "longitude": 105.8000}
    near = {"name": "SAO VIET CO., LTD", "latitude": 21.0305, "longitude": 105.8003}
    far = {"name": "SAO VIET CO., LTD", "latitude": 21.3, "longitude": 105.5}
    assert duplicate_verdict(a, near)[1] == "same name, nearby location"
    assert duplicate_verdict(a, far) is None
    typo_near = {"name": "Sao Viêt Co Ltd", "latitude": 21.0301, "longitude": 105.8001, "address": None}
    assert duplicate_verdict(a, typo_near) is not None


def test_names_reduced_as_people_spell_them():
    assert name_parts("HANES INK S.A. DE C.V.").distinctive == ("hanes", "ink")
    assert name_parts("H A N E S Ink").distinctive == ("hanes", "ink")
    assert name_parts("Cty TNHHCường Lợi").distinctive == ("cuong", "loi")
    assert name_parts("DELTACo., Ltd").distinctive == ("delta",)
    assert name_parts("Công ty TNHH MTV Thành Vinh").distinctive == ("thanh", "vinh")
    assert name_parts("Pungkook Saigon ll").numbers == name_parts("Pungkook Saigon Two Corporation").numbers
    assert name_key("PHI Co.,Ltd") == name_key("P.H.I Company Limited") == "phi"


def test_same_address_alone_is_not_evidence_and_lots_matter():
    assert address_similarity("Lô 5, KCN Quang Minh, Mê Linh", "Lot 5, Quang Minh Industrial Park, Me Linh") >= 0.75
    assert address_similarity("Lô 5, KCN Quang Minh, Mê Linh", "Lô 7, KCN Quang Minh, Mê Linh") <= 0.4
    assert address_similarity("Hà Nội", None) is None
    assert compare_names("Hanes Ink", "Hanes Brands").near is False


def test_generated_pairs_are_seeded_and_split_in_halves():
    from pathlib import Path
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from duplicate_pairs import pairs, split
    first, second = pairs(7, n=40), pairs(7, n=40)
    assert first == second and len(first) == 40 and sum(p.same for p in first) == 20
    train, heldout = split(first, 7)
    assert len(train) == len(heldout) == 20 and not set(map(id, train)) & set(map(id, heldout))
