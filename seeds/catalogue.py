"""Bootstrap catalogues: real standards, sectors and what their buyers ask for, capabilities per sector.

Sources: the standards buyers name in supplier requirements by sector (see shared DESIGN notes); ISIC Rev.4
codes for sectors and processes. Effort classes are typical first-certification efforts for an SME
(low: a self-declaration or audit of weeks; medium: a management system of months; high: a sector scheme
that presupposes others, a year or more).
"""

# id, name, kind, effort, scope
STANDARDS = [
    ("iso-9001", "ISO 9001 Quality management", "certificate", "medium", "quality"),
    ("iso-14001", "ISO 14001 Environmental management", "certificate", "medium", "environment"),
    ("iso-45001", "ISO 45001 Occupational health and safety", "certificate", "medium", "safety"),
    ("iso-50001", "ISO 50001 Energy management", "certificate", "medium", "energy"),
    ("iatf-16949", "IATF 16949 Automotive quality management", "certificate", "high", "quality"),
    ("apqp-ppap", "APQP / PPAP production part approval", "declaration", "medium", "quality"),
    ("imds", "IMDS material data reporting", "declaration", "low", "materials"),
    ("reach", "EU REACH declaration", "declaration", "low", "materials"),
    ("rohs", "RoHS compliance declaration", "declaration", "low", "materials"),
    ("rba", "RBA social audit (Responsible Business Alliance)", "certificate", "medium", "social"),
    ("iso-13485", "ISO 13485 Medical devices quality management", "certificate", "high", "quality"),
    ("haccp", "HACCP food safety", "certificate", "medium", "food safety"),
    ("fssc-22000", "FSSC 22000 food safety (GFSI)", "certificate", "high", "food safety"),
    ("brcgs", "BRCGS Food Safety (GFSI)", "certificate", "high", "food safety"),
    ("ifs-food", "IFS Food (GFSI)", "certificate", "high", "food safety"),
    ("sqf", "SQF Food Safety (GFSI)", "certificate", "high", "food safety"),
    ("globalgap", "GLOBALG.A.P. farm assurance", "certificate", "medium", "farm"),
    ("amfori-bsci", "amfori BSCI social audit", "certificate", "medium", "social"),
    ("wrap", "WRAP responsible production", "certificate", "medium", "social"),
    ("smeta", "SMETA (Sedex) ethical trade audit", "certificate", "medium", "social"),
    ("sa8000", "SA8000 social accountability", "certificate", "high", "social"),
    ("oeko-tex", "OEKO-TEX Standard 100", "certificate", "medium", "materials"),
    ("gots", "GOTS Global Organic Textile Standard", "certificate", "high", "materials"),
    ("grs", "GRS Global Recycled Standard", "certificate", "medium", "materials"),
    ("higg-index", "Higg Index self-assessment (FEM/FSLM)", "declaration", "low", "environment"),
    ("fsc-coc", "FSC Chain of Custody", "certificate", "medium", "forestry"),
    ("pefc-coc", "PEFC Chain of Custody", "certificate", "medium", "forestry"),
    ("iso-27001", "ISO/IEC 27001 Information security", "certificate", "high", "information"),
]

# id, name, ISIC Rev.4
SECTORS = [
    ("automotive", "Automotive and motorcycle parts", "2930"),
    ("electronics", "Electronics and electrical components", "2610"),
    ("mechanical", "Mechanical engineering and metal products", "2599"),
    ("garments", "Garments and textiles", "1410"),
    ("footwear", "Footwear and leather goods", "1520"),
    ("food", "Food processing", "1079"),
    ("medical", "Medical devices and supplies", "3250"),
    ("wood", "Wood products and furniture", "3100"),
    ("handicrafts", "Handicrafts (ceramics, rattan, lacquer, silk)", "2393"),
    ("plastics", "Plastics and rubber products", "2220"),
    ("packaging", "Packaging and printing", "1702"),
]

# Other names files use for a sector (brands' supplier lists, business registers): an import reads them as
# the sector; any name not here, nor a sector's id or name, is a row error.
SECTOR_ALIASES = {
    "automotive": ["Automotive", "Auto parts", "Motorcycle parts"],
    "electronics": ["Electronics", "Electrical", "Electrical equipment"],
    "mechanical": ["Mechanical", "Metal products", "Fabricated metal", "Machinery"],
    "garments": ["Apparel", "Garments", "Textiles", "Home Textiles", "Clothing"],
    "footwear": ["Footwear", "Leather", "Leather goods"],
    "food": ["Food", "Food processing", "Food and beverage"],
    "medical": ["Health", "Healthcare", "Medical", "Medical devices"],
    "wood": ["Wood", "Furniture", "Wood products"],
    "handicrafts": ["Handicrafts", "Ceramics", "Crafts"],
    "plastics": ["Plastics", "Rubber", "Plastic products"],
    "packaging": ["Packaging", "Printing", "Paper"],
}

# What each sector's buyers ask of suppliers: (standard, mandatory?)
SECTOR_REQUIREMENTS = {
    "automotive": [("iso-9001", True), ("iatf-16949", True), ("apqp-ppap", True), ("imds", True),
                   ("reach", False), ("iso-14001", False), ("iso-45001", False)],
    "electronics": [("iso-9001", True), ("rohs", True), ("reach", True), ("iso-14001", True),
                    ("rba", False), ("iso-45001", False), ("iso-50001", False)],
    "mechanical": [("iso-9001", True), ("iso-14001", False), ("iso-45001", False), ("reach", False)],
    "garments": [("amfori-bsci", True), ("oeko-tex", False), ("wrap", False), ("smeta", False),
                 ("higg-index", False), ("grs", False), ("gots", False), ("sa8000", False)],
    "footwear": [("amfori-bsci", True), ("reach", True), ("higg-index", False), ("smeta", False),
                 ("iso-14001", False)],
    "food": [("haccp", True), ("fssc-22000", True), ("brcgs", False), ("ifs-food", False), ("sqf", False),
             ("iso-9001", False), ("globalgap", False)],
    "medical": [("iso-13485", True), ("iso-9001", True), ("reach", False), ("rohs", False), ("iso-14001", False)],
    "wood": [("fsc-coc", True), ("pefc-coc", False), ("iso-9001", False), ("amfori-bsci", False)],
    "handicrafts": [("amfori-bsci", False), ("fsc-coc", False), ("smeta", False), ("iso-9001", False)],
    "plastics": [("iso-9001", True), ("reach", True), ("rohs", False), ("iso-14001", False), ("iatf-16949", False)],
    "packaging": [("iso-9001", True), ("fsc-coc", False), ("iso-14001", False), ("haccp", False), ("brcgs", False)],
}

# Capability hierarchy: id, name, parent id (None for a top-level process), ISIC code, unit of capacity
CAPABILITIES = [
    ("machining", "Machining", None, "2592", "pcs/month"),
    ("cnc-milling", "CNC milling", "machining", "2592", "pcs/month"),
    ("cnc-turning", "CNC turning", "machining", "2592", "pcs/month"),
    ("aluminium-machining", "Aluminium parts machining", "machining", "2592", "pcs/month"),
    ("grinding", "Precision grinding", "machining", "2592", "pcs/month"),
    ("metal-forming", "Metal forming", None, "2591", "pcs/month"),
    ("stamping", "Sheet metal stamping", "metal-forming", "2591", "pcs/month"),
    ("die-casting", "Die casting", "metal-forming", "2432", "pcs/month"),
    ("aluminium-die-casting", "Aluminium die casting", "die-casting", "2432", "pcs/month"),
    ("forging", "Forging", "metal-forming", "2591", "pcs/month"),
    ("welding", "Welding and fabrication", None, "2511", "pcs/month"),
    ("surface-treatment", "Surface treatment", None, "2592", "m2/month"),
    ("anodising", "Anodising", "surface-treatment", "2592", "m2/month"),
    ("electroplating", "Electroplating", "surface-treatment", "2592", "m2/month"),
    ("powder-coating", "Powder coating", "surface-treatment", "2592", "m2/month"),
    ("heat-treatment", "Heat treatment", None, "2592", "t/month"),
    ("mould-making", "Mould and die making", None, "2593", "sets/month"),
    ("plastics-processing", "Plastics processing", None, "2220", "pcs/month"),
    ("injection-moulding", "Plastic injection moulding", "plastics-processing", "2220", "pcs/month"),
    ("extrusion", "Plastic extrusion", "plastics-processing", "2220", "t/month"),
    ("rubber-moulding", "Rubber moulding", "plastics-processing", "2219", "pcs/month"),
    ("electronics-assembly", "Electronics assembly", None, "2610", "pcs/month"),
    ("smt-assembly", "SMT PCB assembly", "electronics-assembly", "2610", "pcs/month"),
    ("wire-harness", "Wire harness and cable assembly", "electronics-assembly", "2732", "pcs/month"),
    ("coil-winding", "Coil winding and transformers", "electronics-assembly", "2710", "pcs/month"),
    ("textiles", "Textiles and garments", None, "1410", "pcs/month"),
    ("cut-and-sew", "Cutting and sewing", "textiles", "1410", "pcs/month"),
    ("embroidery", "Embroidery", "textiles", "1399", "pcs/month"),
    ("textile-printing", "Textile printing", "textiles", "1313", "m/month"),
    ("dyeing", "Dyeing and finishing", "textiles", "1313", "m/month"),
    ("silk-weaving", "Silk weaving", "textiles", "1312", "m/month"),
    ("leather-goods", "Leather goods and footwear uppers", None, "1512", "pairs/month"),
    ("food-processing", "Food processing", None, "1079", "t/month"),
    ("meat-processing", "Meat processing", "food-processing", "1010", "t/month"),
    ("bakery", "Bakery and confectionery", "food-processing", "1071", "t/month"),
    ("beverage", "Beverage bottling", "food-processing", "1104", "kl/month"),
    ("woodworking", "Woodworking", None, "1622", "pcs/month"),
    ("furniture", "Furniture making", "woodworking", "3100", "pcs/month"),
    ("wood-carving", "Wood carving and lacquer", "woodworking", "1629", "pcs/month"),
    ("ceramics", "Ceramics forming and glazing", None, "2393", "pcs/month"),
    ("rattan-weaving", "Rattan and bamboo weaving", None, "1629", "pcs/month"),
    ("packaging-production", "Packaging production", None, "1702", "pcs/month"),
    ("carton-boxes", "Corrugated carton boxes", "packaging-production", "1702", "pcs/month"),
    ("offset-printing", "Offset printing", "packaging-production", "1811", "pcs/month"),
    ("medical-assembly", "Medical device assembly", None, "3250", "pcs/month"),
    ("cleanroom-moulding", "Cleanroom moulding", "medical-assembly", "3250", "pcs/month"),
    ("inspection", "Inspection and metrology services", None, "7120", "jobs/month"),
]

# Capabilities typical of each sector's suppliers (leaves preferred; weights for sampling)
SECTOR_CAPABILITIES = {
    "automotive": ["cnc-milling", "cnc-turning", "aluminium-machining", "stamping", "aluminium-die-casting",
                   "forging", "welding", "anodising", "electroplating", "heat-treatment", "injection-moulding",
                   "rubber-moulding", "wire-harness", "mould-making"],
    "electronics": ["smt-assembly", "wire-harness", "coil-winding", "injection-moulding", "stamping",
                    "cnc-milling", "mould-making", "inspection"],
    "mechanical": ["cnc-milling", "cnc-turning", "grinding", "welding", "stamping", "forging",
                   "powder-coating", "heat-treatment", "mould-making", "die-casting"],
    "garments": ["cut-and-sew", "embroidery", "textile-printing", "dyeing"],
    "footwear": ["leather-goods", "cut-and-sew", "rubber-moulding", "embroidery"],
    "food": ["meat-processing", "bakery", "beverage", "food-processing"],
    "medical": ["medical-assembly", "cleanroom-moulding", "injection-moulding", "cnc-turning", "inspection"],
    "wood": ["furniture", "wood-carving", "powder-coating"],
    "handicrafts": ["ceramics", "rattan-weaving", "silk-weaving", "wood-carving", "embroidery"],
    "plastics": ["injection-moulding", "extrusion", "rubber-moulding", "mould-making"],
    "packaging": ["carton-boxes", "offset-printing", "extrusion"],
}

# Sector shares among Hanoi manufacturing SMEs in the demo (relative weights)
SECTOR_WEIGHTS = {
    "automotive": 8, "electronics": 10, "mechanical": 18, "garments": 14, "footwear": 4, "food": 14,
    "medical": 3, "wood": 7, "handicrafts": 8, "plastics": 7, "packaging": 7,
}

ASSOCIATIONS = [
    ("hanoi-sme-association", "Hanoi Association of Small and Medium Enterprises"),
    ("hasi", "Hanoi Supporting Industry Business Association (HANSIBA)"),
    ("vasi", "Vietnam Association for Supporting Industries"),
    ("lefaso", "Vietnam Leather, Footwear and Handbag Association"),
    ("vitas", "Vietnam Textile and Apparel Association"),
    ("hawa", "Handicraft and Wood Industry Association"),
]

# FDI home countries with relative weights (Hanoi FDI is led by Korea, Japan, Singapore, China, Taiwan)
FDI_HOME_COUNTRIES = {"KR": 30, "JP": 25, "SG": 12, "CN": 12, "TW": 8, "DE": 3, "US": 4, "TH": 3, "FR": 3}


# Vietnamese names of sectors, capabilities and standards, by id (the graph keeps them as name_vi, beside
# name_en; an imported catalogue entry brings its own).
NAMES_VI = {
    "automotive": "Linh kiện ô tô, xe máy", "electronics": "Điện tử và linh kiện điện",
    "mechanical": "Cơ khí và sản phẩm kim loại", "garments": "Dệt may", "footwear": "Da giày",
    "food": "Chế biến thực phẩm", "medical": "Thiết bị và vật tư y tế", "wood": "Gỗ và nội thất",
    "handicrafts": "Thủ công mỹ nghệ (gốm, mây tre, sơn mài, lụa)", "plastics": "Sản phẩm nhựa và cao su",
    "packaging": "Bao bì và in ấn",
    "machining": "Gia công cơ khí", "cnc-milling": "Phay CNC", "cnc-turning": "Tiện CNC",
    "aluminium-machining": "Gia công chi tiết nhôm", "grinding": "Mài chính xác", "metal-forming": "Tạo hình kim loại",
    "stamping": "Dập tấm kim loại", "die-casting": "Đúc áp lực", "aluminium-die-casting": "Đúc áp lực nhôm",
    "forging": "Rèn", "welding": "Hàn và gia công kết cấu", "surface-treatment": "Xử lý bề mặt",
    "anodising": "Anod hóa", "electroplating": "Mạ điện", "powder-coating": "Sơn tĩnh điện",
    "heat-treatment": "Nhiệt luyện", "mould-making": "Chế tạo khuôn mẫu", "plastics-processing": "Gia công nhựa",
    "injection-moulding": "Ép phun nhựa", "extrusion": "Đùn nhựa", "rubber-moulding": "Đúc cao su",
    "electronics-assembly": "Lắp ráp điện tử", "smt-assembly": "Lắp ráp SMT bo mạch",
    "wire-harness": "Bó dây và cáp điện", "coil-winding": "Quấn cuộn dây và biến áp", "textiles": "Dệt may",
    "cut-and-sew": "Cắt may", "embroidery": "Thêu", "textile-printing": "In vải", "dyeing": "Nhuộm và hoàn tất",
    "silk-weaving": "Dệt lụa", "leather-goods": "Đồ da và mũ giày", "food-processing": "Chế biến thực phẩm",
    "meat-processing": "Chế biến thịt", "bakery": "Bánh kẹo", "beverage": "Đóng chai đồ uống",
    "woodworking": "Chế biến gỗ", "furniture": "Sản xuất đồ nội thất", "wood-carving": "Chạm khắc gỗ và sơn mài",
    "ceramics": "Tạo hình và tráng men gốm", "rattan-weaving": "Đan mây tre", "packaging-production": "Sản xuất bao bì",
    "carton-boxes": "Thùng carton sóng", "offset-printing": "In offset", "medical-assembly": "Lắp ráp thiết bị y tế",
    "cleanroom-moulding": "Ép khuôn phòng sạch", "inspection": "Dịch vụ kiểm tra và đo lường",
    "iso-9001": "ISO 9001 Quản lý chất lượng", "iso-14001": "ISO 14001 Quản lý môi trường",
    "iso-45001": "ISO 45001 An toàn và sức khỏe nghề nghiệp", "iso-50001": "ISO 50001 Quản lý năng lượng",
    "iatf-16949": "IATF 16949 Quản lý chất lượng ngành ô tô", "apqp-ppap": "APQP / PPAP phê duyệt linh kiện sản xuất",
    "imds": "IMDS báo cáo dữ liệu vật liệu", "reach": "Tuyên bố REACH (EU)", "rohs": "Tuyên bố tuân thủ RoHS",
    "rba": "Đánh giá xã hội RBA", "iso-13485": "ISO 13485 Quản lý chất lượng thiết bị y tế",
    "haccp": "HACCP an toàn thực phẩm", "fssc-22000": "FSSC 22000 an toàn thực phẩm (GFSI)",
    "brcgs": "BRCGS an toàn thực phẩm (GFSI)", "ifs-food": "IFS Food an toàn thực phẩm (GFSI)", "sqf": "SQF an toàn thực phẩm (GFSI)",
    "globalgap": "GLOBALG.A.P. thực hành nông nghiệp tốt", "amfori-bsci": "Đánh giá xã hội amfori BSCI",
    "wrap": "WRAP sản xuất có trách nhiệm", "smeta": "Đánh giá thương mại có đạo đức SMETA (Sedex)",
    "sa8000": "SA8000 trách nhiệm xã hội", "oeko-tex": "OEKO-TEX Standard 100 kiểm định hàng dệt", "gots": "GOTS dệt may hữu cơ",
    "grs": "GRS tiêu chuẩn tái chế toàn cầu", "higg-index": "Tự đánh giá Higg Index (FEM/FSLM)",
    "fsc-coc": "FSC chuỗi hành trình sản phẩm", "pefc-coc": "PEFC chuỗi hành trình sản phẩm",
    "iso-27001": "ISO/IEC 27001 An toàn thông tin",
}
