"""Names of the graph's labels, relationship types and enumerations, in one place.

Nodes
  (:Enterprise:SME | :Enterprise:LargeEnterprise | :Enterprise:FDIFirm)
      id (unique), code (Vietnamese enterprise/tax code, unique when given), name, name_folded,
      description, kind ('sme' | 'large' | 'fdi'), home_country (FDI), employees, founded (year),
      revenue_band, export_share (0..1), address, commune, country, location (point, WGS-84),
      search_text (diacritic-free name + description, for the full-text index enterprise_text),
      description_text (diacritic-free description alone: what a need's words are matched against, never
      the name; full-text index enterprise_description), source, updated_at;
      label :WithoutCode when it has no code of PLAIN_CODE (indexed: location, name_key, blocking keys);
      the search projection kept from its links (graph_schema/projection.py): capability_ids,
      certified_ids / certified_until (yyyymmdd), product_codes, offer_text (full-text index enterprise_offer)
  (:Capability) id, name_en, name_vi, parent via (:Capability)-[:PART_OF]->(:Capability), isic (VSIC/ISIC code)
  (:Product)    hs (HS code, unique), name
  (:Standard)   id, name_en, name_vi, kind ('certificate' | 'declaration'), scope, effort ('low'|'medium'|'high'),
      months_min / months_max / months_source, cost_min_mvnd / cost_max_mvnd (million VND) / cost_source,
      certifier (who certifies or accepts it), prerequisites (ids of standards to hold first); from
      seeds/effort.py, each figure with its source
  (:Sector)     id, name_en, name_vi, isic, aliases
  (:Zone)       id, name_en, name_vi, kind ('industrial_park' | 'cluster' | 'craft_village' | 'hi_tech_park'),
                commune, location
  (:Association) id, name
  (:SourcingRequest) id (made by the service, not guessable), reference and ref_key (the buyer's own
      reference, unique per buyer: buyer id + '|' + reference), title, text, monthly_volume, max_distance_km, location, status, created_at,
      cutoff_score / cutoff_model / cutoff_at: the 10th best match score, as last ranked
      (buyer)-[:POSTED]->(r), (r)-[:NEEDS {mandatory}]->(:Standard), (r)-[:NEEDS]->(:Capability|:Product)
  (:MatchOutcome) id (made by the service), key (unique: what it is about, 'contact:buyer|supplier|request|day'
      or 'meeting:event/meeting', so a retry finds it), outcome, label (1 positive, 0 negative, null no signal), occurred_on, source
      (o)-[:BUYER]->(e), (o)-[:SUPPLIER]->(e), (o)-[:FOR_REQUEST]->(:SourcingRequest)
  (:Event) id (made by the service), reference and ref_key (the organiser's own, unique per organiser), organiser,
      name, location, utc_offset, fairness, schedule (JSON: placements, status, bound, gap),
      schedule_version, last_changes
      (ev)-[:HAS_SLOT]->(:Slot {key, index, start, end, session}), (ev)-[:HAS_TABLE]->(:Table {key, index,
      name, seats, active}), (ev)-[:HAS_PARTICIPANT]->(:Participant {key, id, name, role, max_meetings,
      forbidden, hosted_table, status})-[:REPRESENTS]->(:Enterprise),
      (ev)-[:HAS_REQUEST]->(:MeetingRequest {key, id 'a~b', a, b, priority, requested_by, fixed_slot, after,
      status})
  (:ScheduleJob) id (made by the service), event_id, status ('queued' | 'running' | 'done' | 'failed' |
      'cancelled'), inputs (hash of what the solver is given), time_limit, attempt, token and worker of the
      run that holds it, heartbeat_at (the database's clock), progress (JSON: points over time), result,
      error (JSON, the API's error shape), created_at, started_at, finished_at
      (ev)-[:HAS_SCHEDULE_JOB]->(j)
  (:SchemaMigration) version, name, applied_at

Relationships
  (e)-[:HAS_CAPABILITY {capacity, unit}]->(:Capability)
  (e)-[:MAKES]->(:Product)
  (e)-[:CERTIFIED {number, issuer, issued, expires}]->(:Standard)
  (e)-[:LOCATED_IN]->(:Zone)
  (e)-[:IN_SECTOR]->(:Sector)
  (e)-[:MEMBER_OF]->(:Association)
  (supplier)-[:SUPPLIES {since, product}]->(buyer)
  (:Sector|:Enterprise)-[:REQUIRES {mandatory}]->(:Standard|:Capability)
  (:Sector)-[:USES]->(:Capability)   processes typical of the sector's suppliers
  (e)-[:PROBABLE_DUPLICATE {score, reason, flagged_at, status}]->(e)
"""

# Ids and references a caller may give: letters, digits and . _ ~ : - (safe in a URL path), 1-64 long.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~:-]{0,63}$"

KIND_LABELS = {"sme": "SME", "large": "LargeEnterprise", "fdi": "FDIFirm"}
ENTERPRISE_KINDS = tuple(KIND_LABELS)
BUYER_KINDS = ("large", "fdi")      # the firms whose supply chains SMEs are linked to
ZONE_KINDS = ("industrial_park", "hi_tech_park", "cluster", "craft_village", "commune")
STANDARD_KINDS = ("certificate", "declaration")
EFFORT_CLASSES = ("low", "medium", "high")
LANGUAGES = ("vi", "en")        # catalogue entries carry name_vi and name_en; pages and reports speak both
CATALOGUE_LABELS = {"capabilities": "Capability", "standards": "Standard", "sectors": "Sector", "zones": "Zone",
                    "associations": "Association", "communes": "Commune"}
# An enterprise code compared for duplicates: letters, digits and . _ - (the same stripped or not). Two firms
# with two such codes, different, are never one firm; a firm without one also carries WITHOUT_CODE, so that
# a coded firm's duplicate candidates are read from that label's indexes alone.
PLAIN_CODE = "[0-9A-Za-z._-]+"
WITHOUT_CODE = "WithoutCode"
COMMUNE_KINDS = ("ward", "commune")     # phường, xã: Hanoi's units since the two-tier reform of 1 July 2025

REQUEST_STATUSES = ("open", "closed")
# Outcomes of a buyer-supplier meeting or contact, in the order a page offers them; the label is the
# scorer's training signal (1 went well, 0 did not, None no signal).
OUTCOME_LABELS = {"held": None, "no_show": None, "no_interest": 0, "follow_up": 1, "nda": 1, "sample_order": 1,
                  "contract": 1}
OUTCOMES = tuple(OUTCOME_LABELS)
# Who may call: admin (everything), organiser (its events), buyer (its requests), sme (its own profile).
ROLES = ("admin", "organiser", "buyer", "sme")
