"""What it takes an SME in Vietnam to obtain each standard of the catalogue: months, cost, who certifies,
what must come first. Every figure names its source.

Months run from the decision to start to the certificate or accepted declaration in hand (building the
system, records of it working, audits). Cost is in million VND for a manufacturing SME of about 26-45
staff: the certification or test fees plus typical outside help, not the staff's own time. Where a site
audit certifies (``AUDITED``), the audit time grows with the staff, so readiness scales the cost to the
SME's own staff by the audit days of IAF MD 5 (matchmaker/services/plans.py); declarations, test
reports and the buyer's own approval cost what they cost whatever the size.

Sources, as cited by key below:
- ``iaf-md5``: IAF MD 5:2019 (audit time for QMS/EMS/OHSMS certification): about 4-5 auditor-days for the
  initial audit (stage 1 + 2) of 26-45 effective staff; cost = auditor-days x VND 8-15 million per
  auditor-day (a day rate that is our estimate, not a published tariff), plus consultancy of about as much.
- ``9001council``: 9001council.org, "How to get ISO 9001 certification": SMEs in Southeast Asia took on
  average about three and a half months to implement ISO 9001.
- ``iatf-rules``: IATF Rules for achieving IATF recognition, 5th edition: an automotive customer must call
  for it, records of a full internal audit cycle and a management review must exist before the audit,
  and the audit time is longer than ISO 9001's; it builds on ISO 9001:2015 (its text is required with it).
- ``scheme``: the scheme owner's published certification rules (FSSC 22000, BRCGS, IFS, SQF, GOTS, GRS,
  FSC, PEFC, SA8000, RBA VAP, amfori BSCI, SMETA, WRAP, OEKO-TEX): which body may certify or audit, and
  that the GFSI food schemes presuppose HACCP-based prerequisite programmes.
- ``estimate``: our own estimate by analogy with the above, to be replaced by quotes when a programme
  partner collects them. Shown as such to the SME.
"""
from __future__ import annotations

SOURCES = {
    "iaf-md5": "audit plus consultancy, our estimate built on IAF MD 5:2019: the audit is its audit days (4 for "
               "26-45 staff, scaled to the firm's staff) x VND 8-15 million per auditor-day; consultancy and "
               "preparation cost about as much again (day rate and consultancy: our estimates)",
    "9001council": "9001council.org: SMEs in Southeast Asia took about 3.5 months on average to implement ISO 9001",
    "iatf-rules": "IATF Rules 5th edition: customer-requested, a full internal audit cycle and management review "
                  "first, builds on ISO 9001:2015",
    "scheme": "the scheme owner's published certification rules",
    "estimate": "our estimate by analogy (to be replaced by quotes)",
}

ACCREDITED_BODY = "a certification body accredited for the standard (BoA in Vietnam, or an IAF member)"

# id: (months min, max, months source), (cost min, max in million VND, cost source), who certifies,
#     prerequisites (standards to hold first)
EFFORT = {
    "iso-9001": ((3, 6, "9001council"), (40, 120, "iaf-md5"), ACCREDITED_BODY, ()),
    "iso-14001": ((4, 8, "estimate"), (50, 150, "iaf-md5"), ACCREDITED_BODY, ()),
    "iso-45001": ((4, 8, "estimate"), (50, 150, "iaf-md5"), ACCREDITED_BODY, ()),
    "iso-50001": ((6, 12, "estimate"), (80, 200, "estimate"), ACCREDITED_BODY, ()),
    "iatf-16949": ((12, 18, "iatf-rules"), (250, 600, "estimate"),
                   "an IATF-recognised certification body", ("iso-9001",)),
    "apqp-ppap": ((2, 4, "estimate"), (20, 80, "estimate"),
                  "the buyer itself (part submission warrant), no certification body", ("iso-9001",)),
    "imds": ((1, 2, "estimate"), (5, 20, "estimate"),
             "self-reported in IMDS (free for suppliers), accepted by the buyer", ()),
    "reach": ((1, 2, "estimate"), (10, 40, "estimate"),
              "a supplier declaration backed by SVHC test reports of an ISO/IEC 17025 laboratory", ()),
    "rohs": ((1, 2, "estimate"), (5, 30, "estimate"),
             "a supplier declaration backed by IEC 62321 test reports of an ISO/IEC 17025 laboratory", ()),
    "rba": ((3, 6, "estimate"), (120, 250, "scheme"), "an RBA-approved audit firm (VAP audit)", ()),
    "iso-13485": ((9, 15, "estimate"), (150, 400, "estimate"), ACCREDITED_BODY, ()),
    "haccp": ((3, 6, "estimate"), (30, 100, "estimate"), ACCREDITED_BODY, ()),
    "fssc-22000": ((6, 12, "estimate"), (100, 250, "estimate"), "an FSSC-licensed certification body",
                   ("haccp",)),
    "brcgs": ((6, 12, "estimate"), (120, 300, "estimate"), "a BRCGS-approved certification body", ("haccp",)),
    "ifs-food": ((6, 12, "estimate"), (120, 300, "estimate"), "an IFS-approved certification body", ("haccp",)),
    "sqf": ((6, 12, "estimate"), (120, 300, "estimate"), "an SQFI-licensed certification body", ("haccp",)),
    "globalgap": ((6, 12, "estimate"), (50, 150, "estimate"), "a GLOBALG.A.P.-approved certification body", ()),
    "amfori-bsci": ((3, 6, "estimate"), (40, 100, "scheme"), "an amfori-approved audit company", ()),
    "wrap": ((3, 6, "estimate"), (40, 100, "scheme"), "a WRAP-accredited monitoring firm", ()),
    "smeta": ((2, 4, "estimate"), (30, 80, "scheme"), "a Sedex-affiliated audit company", ()),
    "sa8000": ((9, 15, "estimate"), (150, 350, "scheme"), "a SAAS-accredited certification body", ()),
    "oeko-tex": ((2, 4, "estimate"), (30, 100, "scheme"), "an OEKO-TEX institute (tests per article)", ()),
    "gots": ((6, 12, "estimate"), (80, 200, "scheme"), "a GOTS-approved certification body", ()),
    "grs": ((3, 6, "estimate"), (60, 150, "scheme"), "a Textile Exchange-approved certification body", ()),
    "higg-index": ((1, 3, "estimate"), (10, 50, "estimate"),
                   "a self-assessment, verified by an approved verifier", ()),
    "fsc-coc": ((3, 6, "estimate"), (50, 120, "scheme"), "an FSC-accredited certification body (ASI)", ()),
    "pefc-coc": ((3, 6, "estimate"), (50, 120, "scheme"), "a PEFC-notified certification body", ()),
    "iso-27001": ((6, 12, "estimate"), (100, 300, "iaf-md5"), ACCREDITED_BODY, ()),
}


# The same words for a Vietnamese reader (pages show the reader's language).
SOURCES_VI = {
    "iaf-md5": "đánh giá và tư vấn, ước tính của chúng tôi dựa trên IAF MD 5:2019: chi phí đánh giá là số ngày đánh giá "
               "(4 ngày cho 26-45 lao động, quy đổi theo số lao động của doanh nghiệp) x 8-15 triệu đồng mỗi ngày "
               "chuyên gia; tư vấn và chuẩn bị tốn khoảng bằng chừng ấy nữa (đơn giá và chi phí tư vấn: ước tính của "
               "chúng tôi)",
    "9001council": "9001council.org: doanh nghiệp nhỏ và vừa ở Đông Nam Á mất trung bình khoảng 3,5 tháng để áp dụng "
                   "ISO 9001",
    "iatf-rules": "Quy tắc IATF, phiên bản 5: do khách hàng yêu cầu, cần một chu kỳ đánh giá nội bộ đầy đủ và xem xét "
                  "của lãnh đạo trước, dựa trên ISO 9001:2015",
    "scheme": "quy tắc chứng nhận do chủ sở hữu chương trình công bố",
    "estimate": "ước tính của chúng tôi theo tương tự (sẽ thay bằng báo giá)",
}
CERTIFIERS_VI = {
    ACCREDITED_BODY: "tổ chức chứng nhận được công nhận cho tiêu chuẩn này (BoA tại Việt Nam, hoặc thành viên IAF)",
    "an IATF-recognised certification body": "tổ chức chứng nhận được IATF thừa nhận",
    "the buyer itself (part submission warrant), no certification body":
        "chính bên mua (bản cam kết nộp mẫu PSW), không qua tổ chức chứng nhận",
    "self-reported in IMDS (free for suppliers), accepted by the buyer":
        "tự khai trên IMDS (miễn phí cho nhà cung cấp), bên mua chấp nhận",
    "a supplier declaration backed by SVHC test reports of an ISO/IEC 17025 laboratory":
        "tuyên bố của nhà cung cấp kèm báo cáo thử nghiệm SVHC của phòng thí nghiệm ISO/IEC 17025",
    "a supplier declaration backed by IEC 62321 test reports of an ISO/IEC 17025 laboratory":
        "tuyên bố của nhà cung cấp kèm báo cáo thử nghiệm IEC 62321 của phòng thí nghiệm ISO/IEC 17025",
    "an RBA-approved audit firm (VAP audit)": "tổ chức đánh giá được RBA phê duyệt (đánh giá VAP)",
    "an FSSC-licensed certification body": "tổ chức chứng nhận được FSSC cấp phép",
    "a BRCGS-approved certification body": "tổ chức chứng nhận được BRCGS phê duyệt",
    "an IFS-approved certification body": "tổ chức chứng nhận được IFS phê duyệt",
    "an SQFI-licensed certification body": "tổ chức chứng nhận được SQFI cấp phép",
    "a GLOBALG.A.P.-approved certification body": "tổ chức chứng nhận được GLOBALG.A.P. phê duyệt",
    "an amfori-approved audit company": "công ty đánh giá được amfori phê duyệt",
    "a WRAP-accredited monitoring firm": "tổ chức giám sát được WRAP công nhận",
    "a Sedex-affiliated audit company": "công ty đánh giá liên kết với Sedex",
    "a SAAS-accredited certification body": "tổ chức chứng nhận được SAAS công nhận",
    "an OEKO-TEX institute (tests per article)": "viện thành viên OEKO-TEX (thử nghiệm theo từng sản phẩm)",
    "a GOTS-approved certification body": "tổ chức chứng nhận được GOTS phê duyệt",
    "a Textile Exchange-approved certification body": "tổ chức chứng nhận được Textile Exchange phê duyệt",
    "a self-assessment, verified by an approved verifier": "tự đánh giá, được bên thẩm tra được phê duyệt xác minh",
    "an FSC-accredited certification body (ASI)": "tổ chức chứng nhận được FSC công nhận (qua ASI)",
    "a PEFC-notified certification body": "tổ chức chứng nhận được PEFC thông báo",
}


# Standards certified by an audit of the site, whose audit time (and so cost) grows with the staff audited.
AUDITED = frozenset(k for k, (_, _, certifier, _) in EFFORT.items()
                    if not certifier.startswith(("a supplier declaration", "self-", "the buyer itself",
                                                 "a self-assessment", "an OEKO-TEX institute")))


def effort_row(standard_id: str) -> dict:
    """The effort properties of one standard as the graph keeps them (None where the catalogue has none)."""
    found = EFFORT.get(standard_id)
    if found is None:
        return {"months_min": None, "months_max": None, "months_source": None, "months_source_vi": None,
                "cost_min_mvnd": None, "cost_max_mvnd": None, "cost_source": None, "cost_source_vi": None,
                "certifier": None, "certifier_vi": None, "prerequisites": [], "cost_scales_with_staff": False}
    (m_lo, m_hi, m_src), (c_lo, c_hi, c_src), certifier, prerequisites = found
    return {"months_min": m_lo, "months_max": m_hi, "months_source": SOURCES[m_src],
            "months_source_vi": SOURCES_VI[m_src], "cost_min_mvnd": c_lo, "cost_max_mvnd": c_hi,
            "cost_source": SOURCES[c_src], "cost_source_vi": SOURCES_VI[c_src], "certifier": certifier,
            "certifier_vi": CERTIFIERS_VI[certifier], "prerequisites": list(prerequisites),
            "cost_scales_with_staff": standard_id in AUDITED}
