"""The default graph's US companies: every S&P 500 member, and the US-listed holdings of the
aerospace, airline and space ETFs, resolve to a company with GICS, domicile and themes."""

import csv
from pathlib import Path

import pytest

from exposure.graph._io import default_graph_dir

# S&P 500 constituents by GICS sub-industry, Yahoo symbols (class shares with a hyphen); extract of
# datasets/s-and-p-500-companies 56509dd80619e4d8e1410c2260d68ddd3eab6068 (ODC-PDDL-1.0), 503 rows
SP500 = """
Advertising: APP OMC TTD
Aerospace & Defense: AXON BA GD GE HII HONA HWM LHX LMT NOC RTX TDG TXT
Agricultural & Farm Machinery: DE
Agricultural Products & Services: ADM BG
Air Freight & Logistics: CHRW EXPD FDX UPS
Apparel Retail: ROST TJX
Apparel, Accessories & Luxury Goods: LULU NKE RL TPR
Application Software: ADBE ADSK CDNS CRM DDOG FICO INTU ORCL PLTR PTC SNPS TRMB TYL WDAY
Asset Management & Custody Banks: AMP APO ARES BEN BLK BNY BX IVZ KKR NTRS STT TROW
Automobile Manufacturers: F GM TSLA
Automotive Parts & Equipment: APTV
Automotive Retail: AZO CVNA ORLY
Biotechnology: ABBV AMGN BIIB GILD INCY MRNA REGN VRTX
Brewers: TAP
Broadcasting: FOX FOXA WBD
Broadline Retail: AMZN EBAY
Building Products: ALLE AOS BLDR CARR FERG JCI LII MAS TT
Cable & Satellite: CHTR CMCSA
Cargo Ground Transportation: FDXF JBHT ODFL
Casinos & Gaming: LVS MGM WYNN
Commodity Chemicals: DOW
Communications Equipment: ANET CIEN CSCO FFIV LITE MSI
Computer & Electronics Retail: BBY
Construction & Engineering: EME FIX J PWR
Construction Machinery & Heavy Transportation Equipment: CAT CMI PCAR WAB
Construction Materials: CRH MLM VMC
Consumer Electronics: GRMN
Consumer Finance: AXP COF SYF
Consumer Staples Merchandise Retail: COST DG DLTR TGT WMT
Copper: FCX
Data Center REITs: DLR EQIX
Data Processing & Outsourced Services: BR
Distillers & Vintners: BF-B STZ
Distributors: GPC
Diversified Banks: BAC C JPM PNC TFC USB WFC
Diversified Support Services: CPRT CTAS LDOS
Electric Utilities: AEP CEG DUK EIX ES ETR EVRG EXC FE LNT PEG PPL SO VST WEC
Electrical Components & Equipment: AME EMR ETN ROK VRT
Electronic Components: APH COHR GLW
Electronic Equipment & Instruments: KEYS ROP TDY ZBRA
Electronic Manufacturing Services: FLEX JBL TEL
Environmental & Facilities Services: ROL RSG VLTO WM
Fertilizers & Agricultural Chemicals: CF CTVA MOS
Financial Exchanges & Data: CBOE CME COIN FDS ICE MCO MSCI NDAQ SPGI
Food Distributors: SYY
Food Retail: CASY KR
Footwear: DECK
Gas Utilities: ATO
Gold: NEM
Health Care Distributors: CAH COR HSIC MCK
Health Care Equipment: ABT BAX BDX BSX DXCM EW GEHC IDXX ISRG MDT PODD RMD RVTY STE SYK ZBH
Health Care Facilities: HCA UHS
Health Care REITs: DOC VTR WELL
Health Care Services: CI CVS DGX DVA LH
Health Care Supplies: ALGN COO WST
Health Care Technology: SOLV VEEV
Heavy Electrical Equipment: GEV GNRC
Home Improvement Retail: HD LOW
Homebuilding: DHI LEN NVR PHM
Homefurnishing Retail: WSM
Hotel & Resort REITs: HST VICI
Hotels, Resorts & Cruise Lines: ABNB BKNG CCL EXPE HLT MAR NCLH RCL
Household Products: CHD CL CLX KMB
Human Resource & Employment Services: ADP PAYX
IT Consulting & Other Services: ACN CTSH IBM IT
Independent Power Producers & Energy Traders: AES NRG
Industrial Conglomerates: DD HON MMM
Industrial Gases: APD LIN
Industrial Machinery & Supplies & Components: DOV FTV GWW HUBB IEX IR ITW NDSN OTIS PH PNR SNA SWK
    XYL
Industrial REITs: PLD
Insurance Brokers: AJG AON BRO ERIE MRSH WTW
Integrated Oil & Gas: CVX XOM
Integrated Telecommunication Services: T VZ
Interactive Home Entertainment: TTWO
Interactive Media & Services: GOOG GOOGL META
Internet Services & Infrastructure: AKAM GDDY VRSN
Investment Banking & Brokerage: GS HOOD IBKR MS RJF SCHW
Leisure Products: HAS
Life & Health Insurance: AFL GL MET PFG PRU
Life Sciences Tools & Services: A CRL DHR IQV MTD TECH TMO WAT
Managed Health Care: CNC ELV HUM UNH
Metal, Glass & Plastic Containers: BALL
Movies & Entertainment: DIS LYV NFLX PSKY TKO
Multi-Family Residential REITs: AVB CPT EQR ESS MAA UDR
Multi-Sector Holdings: BRK-B
Multi-Utilities: AEE CMS CNP D DTE ED NEE NI PCG PNW SRE XEL
Multi-line Insurance: AIG AIZ L
Office REITs: ARE BXP
Oil & Gas Equipment & Services: BKR HAL SLB
Oil & Gas Exploration & Production: APA COP DVN EOG EQT EXE FANG OXY TPL
Oil & Gas Refining & Marketing: MPC PSX VLO
Oil & Gas Storage & Transportation: KMI OKE TRGP WMB
Other Specialized REITs: IRM
Other Specialty Retail: TSCO ULTA
Packaged Foods & Meats: GIS HRL HSY KHC MDLZ MKC SJM TSN
Paper & Plastic Packaging Products & Materials: AMCR AVY IP PKG SW
Passenger Airlines: DAL LUV UAL
Passenger Ground Transportation: UBER
Personal Care Products: EL KVUE PG
Pharmaceuticals: BMY JNJ LLY MRK PFE VTRS ZTS
Property & Casualty Insurance: ACGL ALL CB CINF HIG PGR TRV WRB
Publishing: NWS NWSA
Rail Transportation: CSX NSC UNP
Real Estate Services: CBRE CSGP
Regional Banks: CFG FITB HBAN KEY MTB RF
Reinsurance: EG
Research & Consulting Services: EFX VRSK
Restaurants: CMG DPZ DRI MCD SBUX YUM
Retail REITs: FRT KIM O REG SPG
Self-Storage REITs: EXR PSA
Semiconductor Materials & Equipment: AMAT KLAC LRCX Q TER
Semiconductors: ADI AMD AVGO FSLR INTC MCHP MPWR MRVL MU NVDA NXPI ON QCOM SWKS TXN
Single-Family Residential REITs: INVH
Soft Drinks & Non-alcoholic Beverages: KDP KO MNST PEP
Specialized Consumer Services: DASH
Specialty Chemicals: ALB ECL IFF LYB PPG SHW
Steel: NUE STLD
Systems Software: CRWD FTNT GEN MSFT NOW PANW
Technology Distributors: CDW
Technology Hardware, Storage & Peripherals: AAPL DELL HPE HPQ NTAP SMCI SNDK STX WDC
Telecom Tower REITs: AMT CCI SBAC
Timber REITs: WY
Tobacco: MO PM
Trading Companies & Distributors: FAST URI
Transaction & Payment Processing Services: CPAY FIS FISV GPN JKHY MA PYPL V XYZ
Water Utilities: AWK
Wireless Telecommunication Services: ECHO TMUS
"""

# XAR US-listed holdings weighing at least 0.5% in the 2022-02-04 snapshot (jmaslek/etf_scraper)
XAR_2022 = """AIR AJRD ASTR AVAV AXON BA BWXT CW GD HEI HII HWM HXL KAMN KTOS LHX LMT MAXR MOG-A MRCY
NOC PAE PSN RTX SPCE SPR TDG TGI TXT""".split()

# US-listed holdings above 0.5% of XAR, PPA, ITA, JETS, UFO or ARKX in any 2021-22 snapshot,
# apart from a money-market fund, an ETF (PRNT) and OTC or foreign lines (DSY, HO, TCEHY)
ETF_US = """AAL ACHR ACIC AIR AJRD ALGT ALK AMZN ANSS ARQQ ASTR ASTS ATI ATRO ATSG AVAV AXON AZUL BA
BABA BAH BALL BKNG BKSY BLDE BLL BWXT CACI CAE CMCSA CPA CW DAL DCO DDD DE DISH ERJ ESLT EXPE GD GILT
GOL GOOG GRMN GSAT HA HEI HEI-A HII HON HWM HXL IRDM J JBLU JD JOBY KAMN KBR KEYS KTOS LDOS LHX LLAP
LMT LORL LUV MANT MAXR MKFG MMYT MNDT MNTS MOG-A MRCY MYNA NFLX NOC NPK NVDA ORBC OSK PAE PATH PL
PLTR PSN RAVN RDW RKLB ROLL RTP RTX RYAAY SABR SAIC SATL SATS SAVE SIRI SKYW SNCY SNPS SPCE SPFR
SPIR SPR T TCOM TDG TDY TER TGI TLS TRIP TRMB TSAT TXT U UAL ULCC VEC VLD VLRS VSAT WWD""".split()


def _sp500() -> dict[str, str]:
    text = SP500.replace("\n    ", " ")
    out = {}
    for line in text.strip().splitlines():
        industry, _, symbols = line.rpartition(": ")
        out.update(dict.fromkeys(symbols.split(), industry))
    return out


@pytest.fixture(scope="module")
def graph_2022(graph):
    return graph.as_of("2022-02-04")


def test_sp500_extract_is_complete():
    members = _sp500()
    assert len(members) == 503
    assert len(set(members.values())) == 127


def test_every_sp500_member_has_company_gics_country_and_theme(graph):
    securities = graph.securities
    exposures = graph.exposures
    themed = set(exposures.loc[exposures["weight"] > 0, "company"])
    problems = []
    for symbol, industry in _sp500().items():
        if symbol not in securities.index:
            problems.append(f"{symbol}: no security")
            continue
        row = securities.loc[symbol]
        if row["industry"] != industry or len(str(row["gics"])) != len("gics:00000000"):
            problems.append(f"{symbol}: GICS {row['gics']} {row['industry']!r}, expected {industry!r}")
        if not isinstance(row["country"], str) or len(row["country"]) != 2:
            problems.append(f"{symbol}: no country")
        if row["company_id"] not in themed:
            problems.append(f"{symbol}: no theme")
    assert not problems, problems


def test_share_classes_share_one_company(graph):
    securities = graph.securities
    for first, second in [("GOOGL", "GOOG"), ("FOXA", "FOX"), ("NWSA", "NWS")]:
        assert securities.at[first, "company_id"] == securities.at[second, "company_id"]
    assert securities.at["BRK-B", "company_id"] == "company:berkshire-hathaway"


def test_no_duplicate_ids_across_node_files():
    seen: dict[str, str] = {}
    duplicates = []
    for path in sorted((default_graph_dir() / "nodes").glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["id"] in seen:
                    duplicates.append((row["id"], seen[row["id"]], path.name))
                seen[row["id"]] = path.name
    assert not duplicates


def test_xar_2022_holdings_resolve_as_of_2022(graph_2022):
    securities = graph_2022.securities
    missing = [s for s in XAR_2022 if s not in securities.index]
    assert not missing
    assert set(securities.loc[XAR_2022, "industry"]) == {"Aerospace & Defense"}


def test_etf_holdings_resolve_to_companies_while_held(graph):
    listed: set[str] = set()
    for day in ("2021-07-09", "2021-09-01", "2021-11-15", "2022-02-04", "2022-06-30"):
        listed |= set(graph.as_of(day).securities.index)
    missing = [s for s in ETF_US if s not in listed]
    assert not missing


@pytest.mark.parametrize(("symbol", "last_day"), [
    ("AJRD", "2023-07-28"), ("MAXR", "2023-05-03"), ("KAMN", "2024-04-19"), ("HA", "2024-09-18"),
    ("MNDT", "2022-09-12"), ("FB", "2022-06-08"),
])
def test_delisted_symbols_carry_valid_to(graph, symbol, last_day):
    edges = graph.edge_history
    listing = edges[(edges["relation"] == "listed_as") & (edges["to_id"] == f"security:{symbol}")]
    assert listing["valid_to"].tolist() == [last_day]
    assert symbol in graph.as_of(last_day).securities.index
    assert symbol not in graph.as_of("2025-12-31").securities.index


def test_theme_figures_of_named_companies(graph):
    exposures = graph.exposures.set_index(["company", "theme"])["weight"]
    expected = {
        ("company:nvidia", "theme:ai-compute"): 0.85,
        ("company:eli-lilly", "theme:obesity-drugs"): 0.4,
        ("company:carnival", "theme:cruise-lodging"): 0.95,
        ("company:newmont", "theme:gold"): 0.9,
        ("company:union-pacific", "theme:rail-trucking-logistics"): 0.95,
        ("company:palo-alto-networks", "theme:cybersecurity"): 0.95,
        ("company:jetblue", "theme:airlines"): 0.95,
    }
    for key, weight in expected.items():
        assert exposures[key] == pytest.approx(weight)


def test_everyday_words_are_not_confident_aliases(graph):
    aliases = graph.aliases
    mine = aliases[aliases["origin"].str.startswith("companies_us.csv")]
    risky = {"target", "gap", "ball", "visa", "block", "match", "fox", "news", "square", "carrier"}
    loud = mine[mine["alias"].str.lower().isin(risky) & (mine["confidence"] > 0.4)]
    assert loud.empty
    labels = graph.nodes.loc[graph.nodes["kind"] == "company", "label"].str.lower()
    assert not set(labels) & risky


def test_us_company_files_exist():
    root = default_graph_dir()
    for name in ("nodes/companies_us.csv", "nodes/securities_us.csv", "edges/companies_us.csv",
                 "aliases/companies_us.csv", "COMPANIES_US.md"):
        assert Path(root, name).is_file()
