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
