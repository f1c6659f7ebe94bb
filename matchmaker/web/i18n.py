"""Words, numbers, dates and money in the reader's language: Vietnamese (default) or English.

Plain Python over Babel, free of Flask, so pages and tests share one source of wording.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

from scoring.text import fold

from scoring.explain import standard_short_name

from graph_schema.model import LANGUAGES

from ..numbering import shown
_BAND = re.compile(r"^\s*(<)?\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*bn\s+([A-Z]{3})\s*$")
DEFAULT_LANGUAGE = "vi"
_LOCALES = {"vi": "vi_VN", "en": "en_US"}

MESSAGES: dict[str, dict[str, str]] = {
    "app.name": {"vi": "Kết nối chuỗi cung ứng", "en": "Supply-chain matchmaker"},
    "app.tagline": {"vi": "Kết nối doanh nghiệp nhỏ và vừa Hà Nội với chuỗi cung ứng của doanh nghiệp lớn và FDI",
                    "en": "Linking Hanoi's SMEs to the supply chains of large and FDI firms"},
    "nav.language": {"vi": "English", "en": "Tiếng Việt"},
    "nav.signin": {"vi": "Đăng nhập", "en": "Sign in"},
    "nav.signout": {"vi": "Đăng xuất", "en": "Sign out"},
    "signin.title": {"vi": "Đăng nhập bằng khóa API", "en": "Sign in with your API key"},
    "signin.key": {"vi": "Khóa API", "en": "API key"},
    "signin.help": {"vi": "Quản trị viên cấp khóa cho doanh nghiệp hoặc ban tổ chức của bạn.",
                    "en": "Your administrator issues a key for your firm or organisation."},
    "signin.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin.invalid": {"vi": "Khóa không hợp lệ, đã bị thu hồi hoặc sai định dạng.",
                       "en": "The key is not valid: unknown, revoked or malformed."},
    "home.signed_in_as": {"vi": "Đăng nhập với vai trò {role}", "en": "Signed in as {role}"},
    "role.admin": {"vi": "quản trị viên", "en": "administrator"},
    "role.buyer": {"vi": "bên mua {tenant}", "en": "buyer {tenant}"},
    "role.sme": {"vi": "doanh nghiệp {tenant}", "en": "SME {tenant}"},
    "role.organiser": {"vi": "ban tổ chức {tenant}", "en": "organiser {tenant}"},
    "journey.search": {"vi": "Tìm nhà cung cấp", "en": "Find suppliers"},
    "journey.readiness": {"vi": "Mức độ sẵn sàng của doanh nghiệp", "en": "SME readiness"},
    "journey.programme": {"vi": "Chương trình hỗ trợ DNNVV", "en": "SME programme"},
    "prog.title": {"vi": "Chương trình hỗ trợ DNNVV: kết nối với nhu cầu của doanh nghiệp FDI",
                   "en": "The SME programme: linking SMEs to FDI demand"},
    "prog.scope": {"vi": "Phạm vi", "en": "Scope"},
    "prog.all": {"vi": "tất cả", "en": "all"},
    "prog.sector": {"vi": "Ngành", "en": "Sector"},
    "prog.zone": {"vi": "Khu công nghiệp / cụm / làng nghề", "en": "Zone"},
    "prog.commune": {"vi": "Xã/phường", "en": "Commune"},
    "prog.show": {"vi": "Xem", "en": "Show"},
    "prog.summary": {"vi": "{smes} DNNVV trong phạm vi; {linked} đã đủ điều kiện cho ít nhất một yêu cầu FDI đang mở "
                             "({requests} yêu cầu của {buyers} doanh nghiệp FDI); {away} chỉ còn thiếu một mục.",
                     "en": "{smes} SMEs in scope; {linked} already eligible for at least one open FDI request "
                           "({requests} requests of {buyers} FDI buyers); {away} are one item away."},
    "prog.items_title": {"vi": "Bổ sung gì sẽ kết nối nhiều DNNVV nhất", "en": "What would link the most SMEs"},
    "prog.items_note": {"vi": "Mỗi mục: số DNNVV lần đầu đủ điều kiện cho một yêu cầu FDI nếu bổ sung riêng mục đó.",
                        "en": "Each item: the SMEs it alone would make eligible for an FDI request for the first time."},
    "prog.item": {"vi": "Tiêu chuẩn hoặc năng lực", "en": "Standard or capability"},
    "prog.newly": {"vi": "DNNVV được kết nối mới", "en": "SMEs newly linked"},
    "prog.gaining": {"vi": "DNNVV có thêm yêu cầu", "en": "SMEs gaining requests"},
    "prog.requests": {"vi": "Yêu cầu FDI", "en": "FDI requests"},
    "prog.buyers": {"vi": "Doanh nghiệp FDI", "en": "FDI buyers"},
    "prog.shortlist_title": {"vi": "Danh sách DNNVV chỉ còn thiếu một mục", "en": "Shortlist: SMEs one item away"},
    "prog.sme": {"vi": "Doanh nghiệp", "en": "SME"},
    "prog.missing": {"vi": "Còn thiếu", "en": "Missing"},
    "prog.csv_items": {"vi": "Tải CSV (các mục)", "en": "Download CSV (items)"},
    "prog.csv_shortlist": {"vi": "Tải CSV (danh sách)", "en": "Download CSV (shortlist)"},
    "prog.shown": {"vi": "Hiển thị {shown} đầu tiên trong {total} DNNVV; tệp CSV có đủ cả {total}.",
                   "en": "The first {shown} of {total} SMEs are shown; the CSV holds all {total}."},
    "prog.none": {"vi": "Không có DNNVV nào trong phạm vi chỉ còn thiếu một mục.", "en": "No SME in scope is one item away."},
    "journey.events": {"vi": "Sự kiện kết nối giao thương", "en": "Matchmaking events"},
    # -- shared -------------------------------------------------------------------------------
    "nav.home": {"vi": "Trang chủ", "en": "Home"},
    "common.print": {"vi": "In", "en": "Print"},
    "common.save": {"vi": "Lưu", "en": "Save"},
    "common.none": {"vi": "Không có", "en": "None"},
    "common.yes": {"vi": "Có", "en": "Yes"},
    "common.no": {"vi": "Không", "en": "No"},
    "common.km": {"vi": "{km} km", "en": "{km} km"},
    "common.invalid": {"vi": "Dữ liệu chưa hợp lệ:", "en": "Please correct:"},
    "error.title": {"vi": "Không thực hiện được ({status})", "en": "That did not work ({status})"},
    "error.400": {"vi": "Yêu cầu không hợp lệ.", "en": "The request was not valid."},
    "error.403": {"vi": "Tài khoản của bạn không có quyền xem hoặc thay đổi mục này.",
                  "en": "Your account may not see or change this."},
    "error.404": {"vi": "Không tìm thấy.", "en": "Not found."},
    "error.409": {"vi": "Xung đột với dữ liệu đã có.", "en": "This conflicts with what is stored."},
    "error.413": {"vi": "Tệp quá lớn.", "en": "The file is too large."},
    "error.422": {"vi": "Dữ liệu chưa hợp lệ.", "en": "Some input is not valid."},
    "error.503": {"vi": "Dịch vụ tạm thời không sẵn sàng; vui lòng thử lại sau ít phút.",
                  "en": "The service is briefly unavailable; please try again in a few minutes."},
    "error.other": {"vi": "Đã xảy ra lỗi.", "en": "Something went wrong."},
    "error.detail": {"vi": "Chi tiết (tiếng Anh): {message}", "en": "Detail: {message}"},
    "error.back": {"vi": "Quay lại", "en": "Go back"},
    "money.below": {"vi": "dưới {amount}", "en": "under {amount}"},
    "profile.revenue": {"vi": "Doanh thu", "en": "Revenue"},
    "kind.sme": {"vi": "DNNVV", "en": "SME"},
    "kind.large": {"vi": "Doanh nghiệp lớn", "en": "Large enterprise"},
    "kind.fdi": {"vi": "Doanh nghiệp FDI", "en": "FDI firm"},
    # -- supplier search ----------------------------------------------------------------------
    "search.title": {"vi": "Tìm nhà cung cấp", "en": "Find suppliers"},
    "search.capabilities": {"vi": "Năng lực cần có", "en": "Capabilities needed"},
    "search.mandatory": {"vi": "Tiêu chuẩn bắt buộc", "en": "Mandatory standards"},
    "search.preferred": {"vi": "Tiêu chuẩn ưu tiên", "en": "Preferred standards"},
    "search.multi_help": {"vi": "Giữ Ctrl (hoặc ⌘) để chọn nhiều mục.", "en": "Hold Ctrl (or ⌘) to pick several."},
    "search.plant": {"vi": "Vị trí nhà máy", "en": "Plant location"},
    "search.plant_own": {"vi": "Địa chỉ của doanh nghiệp tôi", "en": "My firm's address"},
    "search.plant_none": {"vi": "Không giới hạn vị trí", "en": "Anywhere"},
    "search.latitude": {"vi": "Vĩ độ", "en": "Latitude"},
    "search.longitude": {"vi": "Kinh độ", "en": "Longitude"},
    "search.coordinates": {"vi": "hoặc tọa độ", "en": "or coordinates"},
    "search.distance": {"vi": "Khoảng cách tối đa (km)", "en": "Maximum distance (km)"},
    "search.volume": {"vi": "Sản lượng mỗi tháng", "en": "Monthly volume"},
    "search.text": {"vi": "Mô tả nhu cầu", "en": "Describe the need"},
    "search.include_large": {"vi": "Gồm cả doanh nghiệp lớn", "en": "Include large enterprises"},
    "search.soft_mandatory": {"vi": "Hiện cả nhà cung cấp còn thiếu tiêu chuẩn bắt buộc",
                              "en": "Also show suppliers missing a mandatory standard"},
    "search.buyer": {"vi": "Bên mua (mã doanh nghiệp)", "en": "Buyer (enterprise id)"},
    "search.submit": {"vi": "Tìm kiếm", "en": "Search"},
    "search.results": {"vi": "{total} nhà cung cấp phù hợp", "en": "{total} matching suppliers",
                       "en_one": "{total} matching supplier"},
    "search.no_results": {"vi": "Không có nhà cung cấp nào đáp ứng các điều kiện bắt buộc. Hãy nới khoảng cách hoặc bỏ bớt tiêu chuẩn bắt buộc.",
                          "en": "No supplier meets the hard conditions. Widen the distance or make fewer standards mandatory."},
    "search.rank": {"vi": "Hạng", "en": "Rank"},
    "search.supplier": {"vi": "Nhà cung cấp", "en": "Supplier"},
    "search.score": {"vi": "Điểm", "en": "Score"},
    "search.why": {"vi": "Lý do", "en": "Why"},
    "search.missing": {"vi": "Còn thiếu", "en": "Missing"},
    "search.distance_col": {"vi": "Khoảng cách", "en": "Distance"},
    "search.export": {"vi": "Tải danh sách (CSV)", "en": "Download the list (CSV)"},
    "search.map": {"vi": "Bản đồ nhà cung cấp quanh nhà máy", "en": "Map of suppliers around the plant"},
    "search.map_plant": {"vi": "Nhà máy", "en": "Plant"},
    "search.model": {"vi": "Mô hình xếp hạng: {version}", "en": "Ranking model: {version}"},
    "search.next": {"vi": "Trang sau", "en": "Next page"},
    "search.previous": {"vi": "Trang trước", "en": "Previous page"},
    "search.page": {"vi": "Trang {page}", "en": "Page {page}"},
    "search.employees": {"vi": "{n} lao động", "en": "{n} employees"},
    "search.find_firm": {"vi": "Tìm doanh nghiệp theo tên", "en": "Find a firm by name"},
    "search.find_firm_help": {"vi": "Gõ có dấu hay không dấu đều được: “Đông Anh” và “dong anh” cho cùng kết quả.",
                              "en": "With or without Vietnamese accents: “Đông Anh” and “dong anh” find the same firms."},
    "search.firms_found": {"vi": "{total} doanh nghiệp", "en": "{total} firms", "en_one": "{total} firm"},
    "shortlist.title": {"vi": "Danh sách rút gọn", "en": "Shortlist"},
    "shortlist.add": {"vi": "Thêm vào danh sách rút gọn", "en": "Add to shortlist"},
    "shortlist.remove": {"vi": "Bỏ khỏi danh sách rút gọn", "en": "Remove from shortlist"},
    "shortlist.on": {"vi": "Đã có trong danh sách rút gọn", "en": "On the shortlist"},
    "shortlist.empty": {"vi": "Danh sách rút gọn đang trống.", "en": "The shortlist is empty."},
    "shortlist.added_on": {"vi": "Ngày thêm", "en": "Added"},
    "shortlist.export": {"vi": "Tải danh sách rút gọn (CSV)", "en": "Download the shortlist (CSV)"},
    "shortlist.needs_buyer": {"vi": "Danh sách rút gọn thuộc về một bên mua; hãy nhập mã bên mua.",
                              "en": "A shortlist belongs to a buyer; give the buyer's id."},
    "profile.title": {"vi": "Hồ sơ doanh nghiệp", "en": "Firm profile"},
    "profile.code": {"vi": "Mã số doanh nghiệp", "en": "Enterprise code"},
    "profile.kind": {"vi": "Loại hình", "en": "Kind"},
    "profile.address": {"vi": "Địa chỉ", "en": "Address"},
    "profile.commune": {"vi": "Xã/phường", "en": "Commune"},
    "profile.employees": {"vi": "Số lao động", "en": "Employees"},
    "profile.founded": {"vi": "Năm thành lập", "en": "Founded"},
    "profile.export_share": {"vi": "Tỷ trọng xuất khẩu", "en": "Export share"},
    "profile.sectors": {"vi": "Ngành", "en": "Sectors"},
    "profile.capabilities": {"vi": "Năng lực", "en": "Capabilities"},
    "profile.capacity": {"vi": "Công suất", "en": "Capacity"},
    "profile.certifications": {"vi": "Chứng nhận", "en": "Certifications"},
    "profile.expires": {"vi": "Hết hạn", "en": "Expires"},
    "profile.valid": {"vi": "Còn hiệu lực", "en": "Valid"},
    "profile.expired": {"vi": "Đã hết hạn", "en": "Expired"},
    "profile.issuer": {"vi": "Tổ chức cấp", "en": "Issuer"},
    "csv.rank": {"vi": "Hạng", "en": "Rank"},
    "csv.score": {"vi": "Điểm", "en": "Score"},
    "csv.id": {"vi": "Mã", "en": "Id"},
    "csv.name": {"vi": "Tên", "en": "Name"},
    "csv.kind": {"vi": "Loại hình", "en": "Kind"},
    "csv.commune": {"vi": "Xã/phường", "en": "Commune"},
    "csv.employees": {"vi": "Số lao động", "en": "Employees"},
    "csv.distance": {"vi": "Khoảng cách (km)", "en": "Distance (km)"},
    "csv.reasons": {"vi": "Lý do", "en": "Reasons"},
    "csv.missing": {"vi": "Còn thiếu", "en": "Missing"},
    "csv.added": {"vi": "Ngày thêm", "en": "Added"},
    "csv.type": {"vi": "Loại", "en": "Type"},
    "csv.smes_newly_linked": {"vi": "DNNVV được kết nối mới", "en": "SMEs newly linked"},
    "csv.smes": {"vi": "DNNVV có thêm yêu cầu", "en": "SMEs gaining requests"},
    "csv.fdi_requests": {"vi": "Yêu cầu của DN FDI", "en": "FDI requests"},
    "csv.fdi_buyers": {"vi": "Doanh nghiệp FDI", "en": "FDI buyers"},
    "csv.sme_id": {"vi": "Mã doanh nghiệp", "en": "SME id"},
    "csv.sme_name": {"vi": "Tên doanh nghiệp", "en": "SME name"},
    "csv.zone": {"vi": "Khu/cụm công nghiệp, làng nghề", "en": "Zone"},
    "csv.item_type": {"vi": "Loại mục còn thiếu", "en": "Item type"},
    "csv.item_id": {"vi": "Mã mục còn thiếu", "en": "Item id"},
    "csv.item_name": {"vi": "Mục còn thiếu", "en": "Missing item"},
    "csv.items_one_away": {"vi": "Số mục đơn lẻ mở cửa", "en": "Single items that open a door"},
    # explanations of a match or a readiness score (keys as scoring gives them)
    "reason.covers_all": {"vi": "có đủ năng lực cần thiết ({capabilities})", "en": "covers the needed capabilities ({capabilities})"},
    "reason.covers_share": {"vi": "đáp ứng {share} năng lực cần thiết", "en": "covers {share} of the needed capabilities"},
    "reason.holds_mandatory": {"vi": "có đủ tiêu chuẩn bắt buộc: {standards}", "en": "holds every mandatory standard: {standards}"},
    "reason.holds_preferred": {"vi": "có thêm {standards}", "en": "also holds {standards}"},
    "reason.distance": {"vi": "cách nhà máy {km} km", "en": "{km} km from the plant"},
    "reason.capacity_fits": {"vi": "công suất khai báo đáp ứng sản lượng tháng", "en": "declared capacity covers the monthly volume"},
    "reason.years": {"vi": "hoạt động {years} năm", "en": "in business for {years} years"},
    "reason.exports": {"vi": "xuất khẩu {share} sản lượng", "en": "exports {share} of its output"},
    "reason.large_fdi_customers": {"vi": "đang cung cấp cho {count} doanh nghiệp lớn hoặc FDI",
                                   "en": "already supplies {count} large or FDI firms"},
    "reason.same_sector_buyers": {"vi": "cung cấp cho {count} bên mua cùng ngành", "en": "supplies {count} buyers in this buyer's sector"},
    "reason.shared_customers": {"vi": "có chung khách hàng với các nhà cung cấp của bên mua",
                                "en": "shares customers with this buyer's suppliers"},
    "reason.supplies_buyer": {"vi": "đang cung cấp cho chính bên mua này", "en": "already supplies this buyer"},
    "reason.outcomes": {"vi": "{positive}/{total} cuộc gặp trước đã có bước tiếp theo", "en": "{positive} of {total} earlier meetings led further"},
    "reason.text": {"vi": "mô tả phù hợp với nội dung yêu cầu", "en": "its description matches the request's words"},
    "reason.products": {"vi": "sản xuất đúng sản phẩm được yêu cầu", "en": "makes the requested products"},
    "reason.buyer_history": {"vi": "bên mua này từng phản hồi tốt với các nhà cung cấp tương tự",
                             "en": "this buyer answered well to suppliers like this one"},
    "missing.not_held": {"vi": "{name}: chưa có", "en": "{name}: not held"},
    "missing.expired": {"vi": "{name}: chứng nhận đã hết hạn", "en": "{name}: certificate expired"},
    "missing.related": {"vi": "{name}: mới có năng lực gần ({related})", "en": "{name}: has the related {related}"},
    "missing.capacity": {"vi": "công suất khai báo {capacity} / {volume} mỗi tháng", "en": "declared capacity {capacity} of {volume} a month"},
    "missing.mandatory": {"vi": "bắt buộc", "en": "mandatory"},

    # -- SME readiness ------------------------------------------------------------------------
    "ready.find_sme": {"vi": "Tìm doanh nghiệp nhỏ và vừa theo tên", "en": "Find an SME by name"},
    "ready.report": {"vi": "Báo cáo mức độ sẵn sàng (bản in)", "en": "Readiness report (printable)"},
    "ready.gaps_title": {"vi": "Còn thiếu gì so với một bên mua hoặc một ngành", "en": "What is missing for a buyer or a sector"},
    "ready.target": {"vi": "So với", "en": "Compare with"},
    "ready.sectors": {"vi": "Ngành", "en": "Sectors"},
    "ready.buyers": {"vi": "Bên mua (FDI và doanh nghiệp lớn trong ngành)", "en": "Buyers (FDI and large firms of the sector)"},
    "ready.horizon": {"vi": "Cảnh báo chứng nhận hết hạn trong (ngày)", "en": "Flag certificates expiring within (days)"},
    "ready.show": {"vi": "Xem", "en": "Show"},
    "ready.choose_target": {"vi": "Chọn một ngành hoặc một bên mua để xem còn thiếu gì.",
                            "en": "Choose a sector or a buyer to see what is missing."},
    "ready.against": {"vi": "So với {name}", "en": "Against {name}"},
    "ready.score": {"vi": "Điểm phù hợp bên mua thấy khi tìm nhà cung cấp: {score}",
                    "en": "Match score the buyer's search shows: {score}"},
    "ready.score_once_closed": {"vi": "khi bổ sung đủ, điểm phù hợp sẽ là {score}",
                                "en": "with them closed, the buyer's search would show a match score of {score}",
                                "en_one": "with it closed, the buyer's search would show a match score of {score}"},
    "ready.eligible": {"vi": "Có trong danh sách bên mua tìm thấy", "en": "In the buyer's search results"},
    "ready.blocked_by": {"vi": "Chưa có trong danh sách bên mua tìm thấy, vì thiếu: {items}",
                         "en": "Not in the buyer's search results yet: lacking {items}"},
    "ready.eligible_sector": {"vi": "Có trong danh sách bên mua của ngành này tìm thấy",
                              "en": "In this sector's buyers' search results"},
    "ready.blocked_by_sector": {"vi": "Bên mua trong ngành này chưa tìm thấy bạn, vì thiếu: {items}",
                                "en": "Not in this sector's buyers' search results yet: lacking {items}"},
    "ready.standard": {"vi": "Tiêu chuẩn", "en": "Standard"},
    "ready.status": {"vi": "Tình trạng", "en": "Status"},
    "ready.missing_mandatory": {"vi": "Thiếu (bắt buộc)", "en": "Missing (mandatory)"},
    "ready.missing_preferred": {"vi": "Thiếu (ưu tiên)", "en": "Missing (preferred)"},
    "ready.missing_preferred_required": {"vi": "Thiếu (ưu tiên trong điều kiện chung; có yêu cầu bắt buộc)",
                                         "en": "Missing (preferred in the terms; some requests require it)"},
    "ready.missing_asked": {"vi": "Thiếu (yêu cầu mở đòi hỏi)", "en": "Missing (asked by open requests)"},
    "ready.asking_head": {"vi": "Yêu cầu mở: bắt buộc / ưu tiên", "en": "Open requests: required / preferred"},
    "ready.asking": {"vi": "{m} / {p}", "en": "{m} / {p}"},
    "ready.demand_note": {"vi": "Trạng thái theo điều kiện thường lệ; cột cuối đếm {n} yêu cầu tìm nguồn cung đang mở "
                                "bắt buộc hay ưu tiên từng tiêu chuẩn, kể cả tiêu chuẩn ngoài điều kiện thường lệ.",
                          "en_one": "Status against the standing terms; the last column counts whether the {n} open "
                                    "sourcing request requires or prefers each standard, those beyond the standing terms included.",
                          "en": "Status against the standing terms; the last column counts how many of the {n} open sourcing "
                                "requests require or prefer each standard, those beyond the standing terms included."},
    "ready.expired_on": {"vi": "Hết hạn ngày {date}", "en": "Expired on {date}"},
    "ready.expiring": {"vi": "Hết hạn ngày {date} (còn {days} ngày)", "en": "Expires on {date} ({days} days left)"},
    "ready.met": {"vi": "Đã đáp ứng", "en": "Met"},
    "ready.cap_missing": {"vi": "Chưa có", "en": "Not held"},
    "ready.cap_partial": {"vi": "Mới có năng lực gần: {related}", "en": "Related capability only: {related}"},
    "ready.priorities_title": {"vi": "Nên bổ sung gì trước", "en": "Which gap to close first"},
    "ready.considered": {"vi": "Xét {requests} yêu cầu mua hàng đang mở trong tầm với; hiện đủ điều kiện cho {eligible}.",
                         "en": "{requests} open sourcing requests within reach considered; eligible now for {eligible}.",
                         "en_one": "{requests} open sourcing request within reach considered; eligible now for {eligible}."},
    "ready.gap": {"vi": "Còn thiếu", "en": "Gap"},
    "ready.unlocks_requests": {"vi": "Mở thêm yêu cầu", "en": "Requests it opens"},
    "ready.unlocks_buyers": {"vi": "Bên mua", "en": "Buyers"},
    "ready.top10": {"vi": "Vào top 10", "en": "Into the top 10"},
    "ready.effort": {"vi": "Công sức", "en": "Effort"},
    "ready.effort_low": {"vi": "thấp", "en": "low"},
    "ready.effort_medium": {"vi": "trung bình", "en": "medium"},
    "ready.effort_high": {"vi": "cao", "en": "high"},
    "ready.type_standard": {"vi": "tiêu chuẩn", "en": "standard"},
    "ready.type_capability": {"vi": "năng lực", "en": "capability"},
    "ready.opens_buyers": {"vi": "Bên mua:", "en": "Buyers:"},
    "ready.and_more": {"vi": "và {n} bên mua khác", "en": "and {n} more"},
    "ready.other_gaps": {"vi": "{n} yêu cầu cần, nhưng còn thiếu mục khác", "en": "asked for by {n} requests, other gaps remain",
                         "en_one": "asked for by {n} request, other gaps remain"},
    "ready.adds_score": {"vi": "{n} yêu cầu cần, không yêu cầu nào bắt buộc: điểm của bạn tăng trung bình {gain}",
                         "en": "asked for by {n} requests, required by none: your score there rises by {gain} on average",
                         "en_one": "asked for by {n} request, required by none: your score there rises by {gain} on average"},
    "ready.fdi_count": {"vi": "{n} FDI", "en": "{n} FDI"},
    "ready.large_count": {"vi": "{n} lớn", "en": "{n} large"},
    "ready.blocker": {"vi": "đang chặn {n} yêu cầu", "en": "keeps you out of {n} requests",
                      "en_one": "keeps you out of {n} request"},
    "ready.blocker_rest": {"vi": "{n} yêu cầu trong số đó còn thiếu cả mục khác", "en": "{n} of them lack other items too",
                           "en_one": "{n} of them lacks other items too"},
    "ready.expected": {"vi": "Kết quả tốt dự kiến", "en": "Good outcomes to expect"},
    "ready.expected_unknown": {"vi": "Chỉ ước tính được khi mô hình đã học từ kết quả thực tế đang được dùng",
                               "en": "Known once a model learnt from recorded outcomes is in use"},
    "ready.months": {"vi": "{lo}–{hi} tháng", "en": "{lo}–{hi} months"},
    "ready.cost": {"vi": "{lo}–{hi} triệu đồng", "en": "VND {lo}–{hi} million"},
    "ready.staff": {"vi": "{n} lao động", "en": "{n} staff"},
    "ready.cost_staff": {"vi": "cho {staff} lao động (x{factor} báo giá cho 26–45 lao động, theo thời gian đánh giá IAF MD 5)",
                         "en": "for {staff} staff (x{factor} the quote for 26–45 staff, by IAF MD 5 audit time)"},
    "ready.certifier": {"vi": "Đơn vị chứng nhận", "en": "Who certifies"},
    "ready.source": {"vi": "Nguồn số liệu", "en": "Source of the figures"},
    "ready.needs_first": {"vi": "cần có trước: {items}", "en": "needs first: {items}"},
    "ready.pending": {"vi": "{n} đang được tính lại", "en": "{n} being recomputed"},
    "ready.plans_title": {"vi": "Lộ trình: bổ sung gì, theo thứ tự nào", "en": "Plans: what to close, in which order"},
    "ready.plans_note": {"vi": "Xếp theo số yêu cầu mở thêm trên mỗi tháng công sức; các mục làm lần lượt.",
                         "en": "By requests opened per month of effort; the items are closed one after another."},
    "ready.plan_opens": {"vi": "mở {requests} của {buyers} trong {months}", "en": "opens {requests} of {buyers} in {months}"},
    "ready.n_requests": {"vi": "{n} yêu cầu", "en": "{n} requests", "en_one": "{n} request"},
    "ready.n_buyers": {"vi": "{n} bên mua", "en": "{n} buyers", "en_one": "{n} buyer"},
    "ready.then": {"vi": "rồi", "en": "then"},
    "ready.no_priorities": {"vi": "Không có yêu cầu mua hàng đang mở nào trong tầm với đòi hỏi thêm tiêu chuẩn hay năng lực.",
                            "en": "No open sourcing request within reach asks for anything more."},
    "ready.peers_title": {"vi": "So sánh với doanh nghiệp cùng nhóm", "en": "How you compare with your peers"},
    "ready.peers_note": {"vi": "{n} doanh nghiệp cùng ngành, cùng khu công nghiệp hoặc xã/phường, quy mô từ một nửa đến gấp đôi.",
                         "en": "{n} SMEs of the same sector, in the same zone or commune, with half to twice your employees."},
    "ready.no_peers": {"vi": "Không có doanh nghiệp nào cùng ngành, cùng khu công nghiệp hoặc xã/phường, quy mô từ một nửa "
                             "đến gấp đôi: chưa có ai để so sánh.",
                       "en": "No SME of your sector in your zone or commune has half to twice your employees: there is "
                             "no one to compare with here."},
    "ready.few_peers": {"vi": "Chỉ có {n} doanh nghiệp cùng nhóm: mỗi doanh nghiệp làm một tỷ lệ thay đổi {points} điểm "
                               "phần trăm, nên các tỷ lệ dưới đây chỉ là gợi ý.",
                        "en": "Only {n} peers: each one moves a share by {points} points, so read the shares below as a "
                              "hint, not a rate.",
                        "en_one": "Only {n} peer: it moves a share by {points} points, so read the shares below as a "
                                  "hint, not a rate."},
    "ready.legend_held": {"vi": "bạn đã có", "en": "you hold it"},
    "ready.legend_lacking": {"vi": "bạn chưa có", "en": "you lack it"},
    "ready.generated": {"vi": "Lập ngày {date}; cảnh báo chứng nhận hết hạn trong {days} ngày.",
                        "en": "Prepared on {date}; certificates expiring within {days} days are flagged."},
    "ready.renewals": {"vi": "Chứng nhận cần gia hạn", "en": "Certificates to renew"},

    # -- matchmaking events -------------------------------------------------------------------
    "event.name": {"vi": "Tên sự kiện", "en": "Event name"},
    "event.location": {"vi": "Địa điểm", "en": "Venue"},
    "event.date": {"vi": "Ngày", "en": "Date"},
    "event.start": {"vi": "Giờ bắt đầu", "en": "First meeting starts at"},
    "event.slot_minutes": {"vi": "Thời lượng mỗi cuộc gặp (phút)", "en": "Meeting length (minutes)"},
    "event.slots": {"vi": "Số khung giờ", "en": "Number of time slots"},
    "event.break_after": {"vi": "Nghỉ trưa sau khung giờ thứ (0: không nghỉ)", "en": "Lunch break after slot (0: none)"},
    "event.break_minutes": {"vi": "Thời gian nghỉ (phút)", "en": "Break length (minutes)"},
    "event.tables": {"vi": "Số bàn", "en": "Number of tables"},
    "event.seats": {"vi": "Số ghế mỗi bàn", "en": "Seats per table"},
    "event.fairness": {"vi": "Số khoảng trống tối đa mỗi người", "en": "Most idle gaps per participant"},
    "event.utc_offset": {"vi": "Múi giờ (UTC+)", "en": "Time zone (UTC offset, hours)"},
    "event.create": {"vi": "Tạo sự kiện mới", "en": "New event"},
    "event.create_submit": {"vi": "Tạo sự kiện", "en": "Create the event"},
    "event.none_yet": {"vi": "Chưa có sự kiện nào.", "en": "No events yet."},
    "event.participants": {"vi": "Người tham dự", "en": "Participants"},
    "event.requests": {"vi": "Yêu cầu gặp", "en": "Meeting requests"},
    "event.schedule": {"vi": "Lịch gặp", "en": "Schedule"},
    "event.version": {"vi": "Phiên bản {version}", "en": "Version {version}"},
    "event.no_schedule": {"vi": "Chưa xếp lịch", "en": "Not scheduled"},
    "event.counts": {"vi": "{participants} người tham dự, {requests} yêu cầu gặp, {tables} bàn, {slots} khung giờ",
                     "en": "{participants} participants, {requests} meeting requests, {tables} tables, {slots} slots"},
    "event.import": {"vi": "Nhập từ bảng tính (CSV hoặc XLSX)", "en": "Import from a spreadsheet (CSV or XLSX)"},
    "event.import_participants": {"vi": "Tệp người tham dự", "en": "Participants file"},
    "event.import_requests": {"vi": "Tệp yêu cầu gặp", "en": "Meeting requests file"},
    "event.participant_columns": {"vi": "Cột: id, name, role (buyer/supplier hoặc bên mua/nhà cung cấp), enterprise, max_meetings, forbidden_slots (số khung giờ, ví dụ 1;4), hosted_table.",
                                  "en": "Columns: id, name, role (buyer or supplier), enterprise, max_meetings, forbidden_slots (slot numbers, e.g. 1;4), hosted_table."},
    "event.request_columns": {"vi": "Cột: from, to (id người tham dự), priority (1–3), fixed_slot, after.",
                              "en": "Columns: from, to (participant ids), priority (1–3), fixed_slot, after."},
    "event.organiser_fixed": {"vi": "Ban tổ chức chỉ định (bắt buộc diễn ra)", "en": "Fixed by the organiser (must be held)"},
    "event.upload": {"vi": "Tải lên", "en": "Upload"},
    "event.role": {"vi": "Vai trò", "en": "Role"},
    "event.role_buyer": {"vi": "Bên mua", "en": "Buyer"},
    "event.role_supplier": {"vi": "Nhà cung cấp", "en": "Supplier"},
    "event.role_other": {"vi": "Khác", "en": "Other"},
    "event.status": {"vi": "Tình trạng", "en": "Status"},
    "event.pstatus_registered": {"vi": "Đã đăng ký", "en": "Registered"},
    "event.pstatus_no_show": {"vi": "Vắng mặt", "en": "No-show"},
    "event.pstatus_cancelled": {"vi": "Đã hủy", "en": "Cancelled"},
    "event.agenda": {"vi": "Lịch cá nhân", "en": "Agenda"},
    "event.time_limit": {"vi": "Thời gian tính toán tối đa (giây)", "en": "Longest time to compute (seconds)"},
    "event.run": {"vi": "Xếp lịch", "en": "Build the schedule"},
    "event.progress": {"vi": "Đang xếp lịch… {seconds} / tối đa {limit} giây", "en": "Scheduling… {seconds} of at most {limit} s"},
    "job.title": {"vi": "Lần xếp lịch gần nhất", "en": "Latest scheduling run"},
    "job.status_queued": {"vi": "Đang chờ máy xếp lịch", "en": "Waiting for a worker"},
    "job.status_running": {"vi": "Đang xếp lịch", "en": "Scheduling"},
    "job.status_done": {"vi": "Đã xong", "en": "Done"},
    "job.status_failed": {"vi": "Không xếp được", "en": "Failed"},
    "job.status_cancelled": {"vi": "Đã dừng", "en": "Cancelled"},
    "job.elapsed": {"vi": "{seconds} / tối đa {limit} giây", "en": "{seconds} of at most {limit} s"},
    "job.solutions": {"vi": "{n} lời giải, lần chạy {attempt}", "en": "{n} solutions, attempt {attempt}"},
    "job.stage": {"vi": "Mục tiêu", "en": "Objective"},
    "job.stage_meetings": {"vi": "Giá trị các cuộc gặp (tối đa hóa)", "en": "Value of the meetings held (maximised)"},
    "job.stage_breaks": {"vi": "Số quãng nghỉ (tối thiểu hóa)", "en": "Breaks (minimised)"},
    "job.best": {"vi": "Tốt nhất đã tìm", "en": "Best found"},
    "job.bound": {"vi": "Cận đã chứng minh", "en": "Proven bound"},
    "job.gap": {"vi": "Khoảng cách", "en": "Gap"},
    "job.cancel": {"vi": "Dừng xếp lịch", "en": "Stop scheduling"},
    "event.status_optimal": {"vi": "Tối ưu (đã chứng minh)", "en": "Optimal (proven)"},
    "event.status_feasible": {"vi": "Hợp lệ, chưa chứng minh tối ưu", "en": "Valid, not proven optimal"},
    "event.summary": {"vi": "{met}/{requests} yêu cầu được xếp; {breaks} khoảng trống; phiên bản {version}.",
                      "en": "{met} of {requests} requests met; {breaks} idle gaps; version {version}."},
    "event.unmet": {"vi": "{n} yêu cầu chưa xếp được", "en": "{n} requests not met", "en_one": "{n} request not met"},
    "event.slot": {"vi": "Khung giờ", "en": "Slot"},
    "event.last_change": {"vi": "Thay đổi gần nhất: {change}", "en": "Last change: {change}"},
    "event.lunch_break": {"vi": "Nghỉ trưa {start}–{end}", "en": "Lunch break {start}–{end}"},
    "event.session_break": {"vi": "Hết ngày; phiên sau bắt đầu {day} {start}", "en": "End of the day; the next session starts {day} {start}"},
    "event.dates": {"vi": "Ngày {dates}", "en": "On {dates}"},
    "event.cancelled_meetings": {"vi": "Cuộc gặp đã hủy", "en": "Cancelled meetings"},
    "event.versions": {"vi": "Các phiên bản lịch gặp", "en": "Schedule versions"},
    "event.version_column": {"vi": "Phiên bản", "en": "Version"},
    "event.version_made": {"vi": "Tạo bởi", "en": "Made by"},
    "event.version_current": {"vi": "hiện hành", "en": "current"},
    "event.compare": {"vi": "So sánh", "en": "Compare"},
    "event.meetings_held": {"vi": "Cuộc gặp", "en": "Meetings"},
    "event.breaks": {"vi": "Khoảng trống", "en": "Breaks"},
    "cause.scheduled": {"vi": "xếp lịch", "en": "scheduling"},
    "cause.change": {"vi": "thay đổi trong ngày", "en": "a change on the day"},
    "cause.rollback": {"vi": "quay lại phiên bản {n}", "en": "going back to version {n}"},
    "version.title": {"vi": "Phiên bản {n} so với phiên bản hiện hành ({current})",
                      "en": "Version {n} compared with the current one ({current})"},
    "version.is_current": {"vi": "Đây là phiên bản hiện hành.", "en": "This is the current version."},
    "version.figures": {"vi": "{met_before} → {met_after} cuộc gặp; khoảng trống {breaks_before} → {breaks_after}",
                        "en": "{met_before} → {met_after} meetings; breaks {breaks_before} → {breaks_after}"},
    "version.moved": {"vi": "Đã dời từ phiên bản này", "en": "Moved since this version"},
    "version.added": {"vi": "Thêm sau phiên bản này", "en": "Added since this version"},
    "version.dropped": {"vi": "Bỏ sau phiên bản này (sẽ có lại khi quay lại)",
                        "en": "Dropped since this version (back again on a rollback)"},
    "version.none": {"vi": "Không có.", "en": "None."},
    "version.place": {"vi": "khung giờ {slot}, bàn {table}", "en": "slot {slot}, table {table}"},
    "version.rollback": {"vi": "Quay lại phiên bản này", "en": "Roll back to this version"},
    "version.rollback_note": {"vi": "Phiên bản được kiểm tra với sự kiện hiện nay rồi lưu thành phiên bản mới; "
                                    "những người có cuộc gặp thay đổi được liệt kê để báo.",
                              "en": "The version is checked against the event as it is now, then stored as a new "
                                    "version; the people whose meetings change are listed to be told."},
    "event.legend_moved": {"vi": "đã dời", "en": "moved"},
    "event.legend_added": {"vi": "mới xếp", "en": "newly placed"},
    "event.dropped": {"vi": "Các cuộc gặp bị hủy:", "en": "Meetings dropped:"},
    "event.notify": {"vi": "Cần báo cho: {names}", "en": "Tell: {names}"},
    "event.change_title": {"vi": "Thay đổi trong ngày", "en": "Changes on the day"},
    "event.change_type": {"vi": "Loại thay đổi", "en": "What happened"},
    "event.change_participant": {"vi": "Người tham dự", "en": "Participant"},
    "event.change_meeting": {"vi": "Cuộc gặp", "en": "Meeting"},
    "event.change_table": {"vi": "Bàn", "en": "Table"},
    "event.from_slot": {"vi": "Giữ nguyên các cuộc gặp trước khung giờ", "en": "Keep meetings before slot"},
    "event.from_start": {"vi": "(từ đầu)", "en": "(from the start)"},
    "event.apply_change": {"vi": "Áp dụng và xếp lại", "en": "Apply and re-plan"},
    "event.shown_slot": {"vi": "Các cuộc gặp của khung giờ", "en": "Meetings of slot"},
    "event.outcomes": {"vi": "Kết quả các cuộc gặp", "en": "Meeting outcomes"},
    "event.meeting": {"vi": "Cuộc gặp", "en": "Meeting"},
    "event.outcome": {"vi": "Kết quả", "en": "Outcome"},
    "event.note": {"vi": "Ghi chú", "en": "Note"},
    "event.ics": {"vi": "Thêm vào lịch (ICS)", "en": "Add to calendar (ICS)"},
    "event.time": {"vi": "Thời gian", "en": "Time"},
    "event.table": {"vi": "Bàn", "en": "Table"},
    "event.meeting_with": {"vi": "Gặp", "en": "Meeting with"},
    "ics.meeting_with": {"vi": "Gặp {name}", "en": "Meeting with {name}"},
    "ics.cancelled": {"vi": "Đã hủy: {summary}", "en": "Cancelled: {summary}"},
    "ics.cancelled_note": {"vi": "{description} (đã hủy)", "en": "{description} (cancelled)"},
    "ics.table": {"vi": "bàn", "en": "table"},
    "event.no_meetings": {"vi": "Chưa có cuộc gặp nào được xếp.", "en": "No meetings scheduled."},
    "event.table_n": {"vi": "Bàn {n}", "en": "Table {n}"},
    "unmet.max_meetings": {"vi": "{who} đã đủ số cuộc gặp tối đa ({limit})", "en": "{who} reached its maximum of {limit} meetings"},
    "unmet.no_common_slot": {"vi": "không có khung giờ nào cả hai bên đều rảnh (khung giờ bận, phiên hoặc khung giờ cố định)",
                             "en": "no slot is allowed for both parties (forbidden slots, session or fixed slot)"},
    "unmet.slots_taken": {"vi": "mọi khung giờ cả hai bên có thể đã dành cho các cuộc gặp ưu tiên hơn",
                          "en": "every slot allowed for both parties is taken by meetings of higher value"},
    "unmet.no_table": {"vi": "không còn bàn trống trong các khung giờ cả hai bên rảnh",
                       "en": "no table left in the slots free for both parties"},
    "unmet.request_cancelled": {"vi": "yêu cầu đã bị hủy", "en": "request cancelled"},
    "unmet.request_declined": {"vi": "yêu cầu bị từ chối", "en": "request declined"},
    "unmet.request_suggested": {"vi": "gợi ý chưa được chấp nhận", "en": "suggested, not accepted yet"},
    "unmet.request_new": {"vi": "yêu cầu gửi sau khi lịch này được xếp", "en": "asked after this schedule was made"},
    "change.no_show": {"vi": "Người tham dự vắng mặt", "en": "A participant did not come"},
    "change.cancel_participant": {"vi": "Người tham dự hủy", "en": "A participant cancelled"},
    "change.cancel_meeting": {"vi": "Hủy một cuộc gặp", "en": "A meeting is cancelled"},
    "change.table_lost": {"vi": "Mất một bàn", "en": "A table is lost"},
    "change.late_registration": {"vi": "Đăng ký muộn", "en": "Late registration"},
    "change.rollback": {"vi": "Quay lại một phiên bản trước", "en": "Back to an earlier version"},
    "outcome.held": {"vi": "Đã gặp", "en": "Held"},
    "outcome.no_show": {"vi": "Vắng mặt", "en": "No-show"},
    "outcome.no_interest": {"vi": "Không quan tâm", "en": "No interest"},
    "outcome.follow_up": {"vi": "Hẹn trao đổi tiếp", "en": "Follow-up agreed"},
    "outcome.nda": {"vi": "Ký NDA", "en": "NDA signed"},
    "outcome.sample_order": {"vi": "Đặt hàng mẫu", "en": "Sample order"},
    "outcome.contract": {"vi": "Ký hợp đồng", "en": "Contract"},
    "flash.imported.participants": {"vi": "Đã nhập {n} người tham dự.", "en": "{n} participants imported.",
                                    "en_one": "{n} participant imported."},
    "flash.imported.requests": {"vi": "Đã nhập {n} yêu cầu gặp.", "en": "{n} meeting requests imported.",
                                "en_one": "{n} meeting request imported."},
    "flash.outcome.saved": {"vi": "Đã lưu kết quả.", "en": "Outcome saved."},
    "flash.version.rolled_back": {"vi": "Đã quay lại phiên bản {n}.", "en": "Back to version {n}."},
    "flash.version.already": {"vi": "Lịch hiện hành đã là phiên bản {n}.", "en": "The schedule is version {n} already."},
}


def language_of(value: str | None) -> str:
    """A supported language code from a cookie, query or header value; else the default."""
    value = (value or "").lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


# What a field of a form or a query is called on the pages (a field not listed keeps its own name).
FIELD_LABELS = {
    "horizon_days": {"vi": "Số ngày cảnh báo hết hạn", "en": "Days ahead to warn of expiry"},
    "target": {"vi": "Đối tượng so sánh", "en": "Compared against"},
    "tenant": {"vi": "Doanh nghiệp", "en": "Enterprise"},
    "sme": {"vi": "Doanh nghiệp nhỏ và vừa", "en": "SME"},
    "buyer": {"vi": "Bên mua", "en": "Buyer"},
    "sector": {"vi": "Ngành", "en": "Sector"},
    "zone": {"vi": "Khu/cụm công nghiệp, làng nghề", "en": "Zone"},
    "commune": {"vi": "Xã/phường", "en": "Ward or commune"},
    "limit": {"vi": "Số dòng tối đa", "en": "Most rows"},
    "q": {"vi": "Từ khoá", "en": "Words"},
    "max_distance_km": {"vi": "Khoảng cách tối đa (km)", "en": "Farthest distance (km)"},
    "monthly_volume": {"vi": "Sản lượng mỗi tháng", "en": "Volume a month"},
    "capabilities": {"vi": "Năng lực", "en": "Capabilities"},
    "standards": {"vi": "Tiêu chuẩn", "en": "Standards"},
    "file": {"vi": "Tệp", "en": "File"},
    "key": {"vi": "Khoá API", "en": "API key"},
    "name": {"vi": "Tên", "en": "Name"},
    "employees": {"vi": "Số lao động", "en": "Employees"},
}

# Marshmallow's own reasons, as a Vietnamese reader reads them (pattern, wording with the pattern's groups).
_REASONS_VI = [
    (r"Unknown field\.", "Trường không được nhận."),
    (r"Missing data for required field\.", "Bắt buộc phải có."),
    (r"Field may not be null\.", "Không được để trống."),
    (r"Not a valid integer\.", "Không phải số nguyên hợp lệ."),
    (r"Not a valid number\.", "Không phải số hợp lệ."),
    (r"Not a valid date\.", "Không phải ngày hợp lệ (YYYY-MM-DD)."),
    (r"Not a valid string\.", "Không phải chuỗi ký tự hợp lệ."),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", "Phải từ {0} đến {1}."),
    (r"Must be greater than or equal to (\S+)\.", "Phải lớn hơn hoặc bằng {0}."),
    (r"Must be less than or equal to (\S+)\.", "Phải nhỏ hơn hoặc bằng {0}."),
    (r"Must be one of: (.+)\.", "Phải là một trong: {0}."),
    (r"Length must be between (\d+) and (\d+)\.", "Độ dài phải từ {0} đến {1} ký tự."),
    (r"Shorter than minimum length (\d+)\.", "Ngắn hơn {0} ký tự."),
    (r"Longer than maximum length (\d+)\.", "Dài hơn {0} ký tự."),
    # the services' own reasons (matchmaker/services), as the pages meet them
    (r"no such enterprise", "không có doanh nghiệp này"),
    (r"no such sector", "không có ngành này"),
    (r"no such zone", "không có khu công nghiệp, cụm hay làng nghề này"),
    (r"no such sourcing request", "không có yêu cầu tìm nguồn cung này"),
    (r"an SME, not a large or FDI buyer", "là DNNVV, không phải bên mua lớn hay FDI"),
    (r"a large firm, not an SME", "là doanh nghiệp lớn, không phải DNNVV"),
    (r"an FDI firm, not an SME", "là doanh nghiệp FDI, không phải DNNVV"),
    (r"not one of Hanoi's wards and communes", "không phải phường, xã nào của Hà Nội"),
    (r"given more than once; give it once", "được đưa nhiều lần; chỉ đưa một lần"),
]


def reader_helpers(lang: str, words) -> dict:
    """What a template written for readers uses, in ``lang``: messages, formats, catalogue names (``words``,
    a Wording or a lazy proxy of one) and field errors. The pages add who is signed in."""
    return {"t": lambda key, **values: t(key, lang, **values), "fmt": Formats(lang), "lang": lang, "words": words,
            "field_label": field_label, "reason_text": reason_text}


def calendar_words(lang: str):
    """What an agenda's calendar file says around the names, in ``lang``."""
    from scheduling.outputs import CalendarWords
    lang = language_of(lang)
    return CalendarWords(**{name: MESSAGES[f"ics.{name}"][lang] for name in ("meeting_with", "cancelled",
                                                                              "cancelled_note", "table")})


def field_label(field: str, lang: str) -> str:
    entry = FIELD_LABELS.get(field)
    return entry[language_of(lang)] if entry else field


def reason_text(reason: str, lang: str) -> str:
    """A field error's reason in ``lang``: marshmallow's standard reasons translated, our own as written."""
    if language_of(lang) == "vi":
        for pattern, wording in _REASONS_VI:
            found = re.fullmatch(pattern, reason)
            if found:
                return wording.format(*found.groups())
    return reason


def t(key: str, lang: str, quantity: int | None = None, **values) -> str:
    """The message in ``lang`` with ``values`` filled in; the English text if a translation is missing.
    With ``quantity`` 1, the singular form ("en_one") where the language has one (Vietnamese has none)."""
    entry = MESSAGES[key]
    text = entry.get(f"{lang}_one") if quantity == 1 else None
    return (text or entry.get(lang, entry["en"])).format(**values)


class Formats:
    """Numbers, dates and money as a reader of ``lang`` writes them."""

    def __init__(self, lang: str):
        self.lang = language_of(lang)
        self.locale = _LOCALES[self.lang]

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, amount: float, currency: str) -> str:
        """VND without decimals (the đồng has no minor unit in use), other currencies with their own."""
        return format_currency(amount, currency.upper(), locale=self.locale)

    def date(self, value: date | str) -> str:
        value = date.fromisoformat(value[:10]) if isinstance(value, str) else value
        return format_date(value, "medium", locale=self.locale)

    def long_date(self, value: date | str) -> str:
        """With the weekday, as a printed agenda says it: 'Thursday, December 3, 2026', 'Thứ Năm, ngày 3 tháng 12
        năm 2026' (Babel's Vietnamese pattern leaves out 'ngày' and 'năm', which a letter or agenda writes)."""
        value = date.fromisoformat(value[:10]) if isinstance(value, str) else value
        if self.lang == "vi":
            return format_date(value, "EEEE, 'ngày' d MMMM 'năm' y", locale=self.locale)
        return format_date(value, "full", locale=self.locale)

    def datetime(self, value: datetime | str) -> str:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_datetime(value, "short", tzinfo=value.tzinfo, locale=self.locale)

    def money_compact(self, amount: float, currency: str) -> str:
        """Large sums as people say them: '50 tỷ đồng' / 'VND 50 billion', '2,5 triệu USD' / 'USD 2.5 million'."""
        words = format_compact_decimal(amount, format_type="long", fraction_digits=1, locale=self.locale)
        currency = currency.upper()
        if self.lang == "vi":
            return f"{words} {'đồng' if currency == 'VND' else currency}"
        return f"{currency} {words}"

    def revenue_band(self, band: str | None) -> str:
        """'3-50bn VND' -> '3 tỷ đồng – 50 tỷ đồng'; '<3bn VND' -> 'under VND 3 billion'; else as given."""
        match = _BAND.match(band or "")
        if not match:
            return band or ""
        below, low, high, currency = match.groups()
        low_text = self.money_compact(float(low) * 1e9, currency)
        if below:
            return t("money.below", self.lang, amount=low_text)
        return f"{low_text} – {self.money_compact(float(high) * 1e9, currency)}" if high else low_text

    def percent(self, share: float, places: int = 0) -> str:
        """A share as a percentage, with ``places`` decimals (scores side by side need one to differ)."""
        return format_percent(share, format="#,##0." + "0" * places + "%" if places else None, locale=self.locale)

    def time(self, value: datetime | str) -> str:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_time(value, "short", tzinfo=value.tzinfo, locale=self.locale)


class Wording:
    """Catalogue names and explanations in one language, over the catalogues (anything with
    list_capabilities, list_standards and list_sectors)."""

    def __init__(self, lang: str, catalogues):
        self.lang = language_of(lang)
        self.fmt = Formats(self.lang)
        self.capabilities = catalogues.list_capabilities()
        self.standards = catalogues.list_standards()
        self.sectors = catalogues.list_sectors()
        self._names = {x["id"]: self.label(x) for x in self.capabilities + self.standards + self.sectors}

    def label(self, entry: dict) -> str:
        """A catalogue entry's (or zone's) name in the reader's language, else in the other one, else its id."""
        other = "en" if self.lang == "vi" else "vi"
        return entry.get(f"name_{self.lang}") or entry.get(f"name_{other}") or entry["id"]

    def name(self, item_id: str | None) -> str:
        """A capability, standard or sector in the reader's language (its id when unknown)."""
        if item_id is None:
            return ""
        return self._names.get(item_id, item_id)

    def table(self, name: str | None, index: int) -> str:
        """A table's name; the default 'Table 3' said in the reader's language."""
        if not name or re.fullmatch(r"Table \d+", name):
            return t("event.table_n", self.lang, n=shown(index))
        return name

    def unmet(self, entry: dict, names: dict) -> str:
        """Why a requested meeting is not in the schedule, in the reader's language."""
        code = entry.get("code")
        if code and f"unmet.{code}" in MESSAGES:
            who = entry.get("who")
            return t(f"unmet.{code}", self.lang, who=names.get(who) or who, limit=entry.get("limit"))
        return entry.get("reason", "")

    def names(self, item_ids) -> str:
        return ", ".join(self.name(i) for i in item_ids)

    def sorted(self, items: list[dict]) -> list[dict]:
        """Catalogue entries ordered by their name as the reader sees it (accents folded)."""
        return sorted(items, key=lambda x: fold(self.name(x["id"])))

    def explanation(self, e: dict) -> str:
        values = {k: v for k, v in e.items() if k != "reason"}
        if "capabilities" in values:
            values["capabilities"] = ", ".join(self.name(c) for c in values["capabilities"])
        if "standards" in values:
            values["standards"] = ", ".join(standard_short_name(s) for s in values["standards"])
        if "share" in values:
            values["share"] = self.fmt.percent(values["share"])
        if "km" in values:
            values["km"] = self.fmt.number(values["km"], 1)
        for key in ("years", "count", "positive", "total"):
            if key in values:
                values[key] = self.fmt.number(values[key])
        return t("reason." + e["reason"], self.lang, **values)

    def missing(self, m: dict) -> str:
        if m.get("reason") == "capacity":
            text = t("missing.capacity", self.lang, capacity=self.fmt.number(m["capacity"]),
                     volume=self.fmt.number(m["volume"]))
        else:
            text = t("missing." + m.get("reason", "not_held"), self.lang, name=self.name(m["id"]),
                     related=self.name(m.get("related")))
        return text + (f" ({t('missing.mandatory', self.lang)})" if m.get("mandatory") else "")
