"""The report.html stylesheet, inlined into the page: no external fonts, scripts or images."""

CSS = """
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --card:#fff;
  --red:#b42318; --red-bg:#fef3f2; --amber:#7a5a00; --amber-bg:#fff6d6; --green:#1a7f37; --green-bg:#dcf5e3;
  --blue:#0b5cad; --blue-bg:#e8f1fb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); line-height:1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 64px; }
header.top { background:#24292f; color:#fff; }
header.top .inner { max-width:1240px; margin:0 auto; padding:20px 24px; }
header.top h1 { margin:0 0 4px; font-size:22px; font-weight:600; }
header.top .meta { color:#c9d1d9; font-size:13px; }
nav { background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; }
nav .inner { max-width:1240px; margin:0 auto; padding:8px 24px; display:flex; flex-wrap:wrap; gap:4px 16px; }
nav a { color:var(--blue); text-decoration:none; font-size:13px; }
nav a:hover { text-decoration:underline; }
h2 { font-size:18px; margin:32px 0 10px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:15px; margin:18px 0 8px; }
p.note { color:var(--muted); margin:4px 0 10px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px; }
.banner { border-radius:8px; padding:12px 16px; margin:16px 0; font-weight:500; }
.banner.bad { background:var(--red-bg); border:1px solid #f3b8b2; color:var(--red); }
.banner.good { background:var(--green-bg); border:1px solid #a6dcb5; color:var(--green); }
.kpis { display:grid; grid-template-columns:repeat(auto-fill, minmax(140px, 1fr)); gap:10px; margin-top:16px; }
.kpi { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px;
  border-top:4px solid var(--line); }
.kpi .n { font-size:26px; font-weight:650; line-height:1.2; }
.kpi .l { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.kpi.fail { border-top-color:#d9443a; } .kpi.error { border-top-color:#8250df; }
.kpi.unknown { border-top-color:#d4a72c; } .kpi.waived { border-top-color:#3b82c4; }
.kpi.pass { border-top-color:#2da44e; } .kpi.na { border-top-color:#6e7781; }
.kpi.na.bad { background:var(--red-bg); border-color:#f3b8b2; border-top-color:var(--red); }
.kpi.na.bad .n { color:var(--red); }
.kpi.score { border-top-color:#24292f; }
table { border-collapse:collapse; background:var(--card); }
table.data { width:100%; border:1px solid var(--line); border-radius:8px; }
table.data th, table.data td { padding:6px 10px; border-bottom:1px solid #eaeef2; text-align:left; vertical-align:top; }
table.data th { background:#f6f8fa; font-weight:600; font-size:12px; color:var(--muted); }
table.data td.num, table.data th.num { text-align:right; font-variant-numeric:tabular-nums; }
.grid3 { display:grid; grid-template-columns:repeat(auto-fit, minmax(560px, 1fr)); gap:0 24px; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(420px, 1fr)); gap:16px; }
.bar { display:inline-block; width:70px; height:8px; background:#eaeef2; border-radius:4px; overflow:hidden;
  vertical-align:middle; margin-right:6px; }
.bar > span { display:block; height:100%; background:#2da44e; }
.sev { display:inline-block; padding:0 7px; border-radius:10px; font-size:11.5px; font-weight:600; }
.sev.critical { background:#a51d14; color:#fff; } .sev.high { background:#f9d0cc; color:#8a1c12; }
.sev.medium { background:#fff1c2; color:#6b4f00; } .sev.low { background:#eaeef2; color:#424a53; }
.st { display:inline-block; padding:0 7px; border-radius:10px; font-size:11.5px; font-weight:600; }
.st.fail { background:#fde2e1; color:#a51d14; } .st.error { background:#eee3fc; color:#5a32a3; }
.st.unknown { background:#fff1c2; color:#6b4f00; } .st.waived { background:var(--blue-bg); color:var(--blue); }
.st.pass { background:var(--green-bg); color:var(--green); }
.st.non_compliant { background:#fde2e1; color:#a51d14; } .st.compliant { background:var(--green-bg); color:var(--green); }
.st.incomplete { background:#fff1c2; color:#6b4f00; } .st.not_assessed { background:var(--red); color:#fff; }
/* Heatmap: accounts x rules. */
.heat-wrap { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px; }
table.heat { font-size:13px; }
table.heat th.rule { vertical-align:bottom; padding:4px 2px; height:170px; }
table.heat th.rule > div { writing-mode:vertical-rl; transform:rotate(180deg); white-space:nowrap;
  font-weight:500; font-size:12px; }
table.heat th.acct { text-align:left; padding:4px 12px 4px 4px; font-weight:500; white-space:nowrap; }
table.heat th.sevrow { padding:2px 0 6px; text-align:center; font-size:11px; }
table.heat th.sevrow.acct { text-align:left; color:var(--muted); font-weight:400; }
table.heat th.acct small { color:var(--muted); font-weight:400; }
table.heat tr.ou th { text-align:left; background:#f6f8fa; padding:6px 4px; font-size:12px; color:var(--muted);
  font-weight:600; border-top:1px solid var(--line); }
table.heat td.c { width:42px; min-width:42px; height:34px; text-align:center; border:2px solid #fff;
  font-variant-numeric:tabular-nums; font-weight:600; position:relative; }
table.heat td.tot { padding:0 8px; text-align:right; font-weight:600; white-space:nowrap; }
td.c small { display:block; font-size:10px; font-weight:500; line-height:1; }
.c.empty { background:#fafbfc; color:#c4cad0; font-weight:400; }
.c.ok { background:#dcf5e3; color:#1a7f37; }
.c.undecided { background:#fff1c2; color:#6b4f00; }
.c.f1 { background:#fde2e1; color:#8a1c12; } .c.f2 { background:#f9b4ae; color:#7a1a12; }
.c.f3 { background:#f07f75; color:#4d0f0a; } .c.f4 { background:#d9443a; color:#fff; }
.c.f5 { background:#a51d14; color:#fff; }
.c.na { background:repeating-linear-gradient(45deg,#d0d7de 0 3px,#eef1f4 3px 8px); color:#424a53; font-weight:500;
  font-size:11px; }
.c .wv { color:var(--blue); } .c.f4 .wv, .c.f5 .wv { color:#dbe9fb; }
.legend { display:flex; flex-wrap:wrap; gap:6px 14px; margin:10px 2px 2px; font-size:12px; color:var(--muted);
  align-items:center; }
.legend span.sw { display:inline-block; width:22px; height:16px; border-radius:3px; vertical-align:middle;
  margin-right:4px; border:1px solid #e1e4e8; }
.na-box { background:var(--red-bg); border:1px solid #f3b8b2; border-left:6px solid var(--red); border-radius:8px;
  padding:12px 16px; }
.na-box h2 { color:var(--red); border:0; margin:0 0 6px; padding:0; }
.na-box table.data { border-color:#f3b8b2; }
details.rule { background:var(--card); border:1px solid var(--line); border-radius:8px; margin:10px 0; }
details.rule > summary { cursor:pointer; padding:10px 14px; font-weight:600; list-style-position:inside; }
details.rule > summary .counts { font-weight:400; color:var(--muted); margin-left:8px; }
details.rule .body { padding:0 14px 14px; }
.remedy { background:var(--blue-bg); border-left:4px solid #3b82c4; padding:8px 12px; border-radius:4px; margin:4px 0 10px; }
.remedy b { color:var(--blue); }
.delta { display:grid; grid-template-columns:repeat(auto-fill, minmax(150px,1fr)); gap:10px; margin-bottom:8px; }
.muted { color:var(--muted); }
.soon { color:var(--amber); font-weight:600; }
tr.expired td { background:#fffafa; }
footer { color:var(--muted); font-size:12px; margin-top:40px; }
"""
