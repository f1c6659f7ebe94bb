from scoring.text import fold, name_key, slug


def test_fold_removes_vietnamese_diacritics_including_d_stroke():
    assert fold("Công ty Cổ phần Đồng Tâm") == "cong ty co phan dong tam"
    assert fold("  Hà Nội,  Việt Nam ") == "ha noi viet nam"
    assert fold(None) == ""


def test_name_key_ignores_legal_forms_order_and_spelling_of_the_form():
    assert name_key("PHI Co.,Ltd") == name_key("Phi Company Limited") == "phi"
    assert name_key("Công ty TNHH Cơ khí An Phát") == name_key("Cong ty Co phan Co khi An Phat")
    assert name_key("Minh Long Mechanical") != name_key("Minh Long Electronics")


def test_slug():
    assert slug("Home Textiles") == "home-textiles"
    assert slug("") == "unspecified"


def test_a_commune_is_compared_without_accents_case_punctuation_or_its_prefix():
    from matchmaker.services.catalogues import Communes
    from scoring.text import commune_key
    assert commune_key("Xã Thiên Lộc") == commune_key("thien-loc") == commune_key("P. Thien  Loc") == "thien-loc"
    assert commune_key("Xa") == "xa"        # a name that is only a prefix word stays itself
    communes = Communes([{"id": "00004", "kind": "ward", "name_vi": "Ba Đình", "name_en": "Ba Dinh"}])
    assert {communes.official(w) for w in ("ba dinh", "Phường Ba Đình", "00004", "4")} == {"Ba Đình"}
    assert communes.official("Ba Vi") is None and communes.official(None) is None
