package dev.capkit.reports;

/** The page's only stylesheet, inlined: system fonts, no external resources, print rules for PDF. */
final class Stylesheet {
  private Stylesheet() {}

  static final String CSS = """
      :root{--fg:#1b1b1b;--muted:#5c5c5c;--line:#d9d9d9;--ok:#1a7f37;--bad:#b00020}
      *{box-sizing:border-box}
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);margin:0 auto;max-width:1240px;padding:16px 24px}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid var(--fg);padding-bottom:2px;margin:28px 0 10px}h3{font-size:15px;margin:18px 0 6px}
      .sources,figcaption,.note,footer{color:var(--muted);font-size:12px}
      nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0;font-size:13px}nav a{color:#0b57d0;text-decoration:none}
      .banner{padding:10px 14px;font-size:16px;font-weight:600;border-radius:4px;margin:6px 0 12px}
      .banner.held{background:#e6f4ea;color:var(--ok)}.banner.broken{background:#fde7ea;color:var(--bad)}
      table{border-collapse:collapse;margin:8px 0 14px;font-size:12.5px;max-width:100%}
      table.steps,table.tiers,table.baseline{width:100%;font-size:12px}table.tiers td:nth-child(2),table.tiers td:nth-child(3),table.tiers td:nth-child(6){white-space:nowrap}
      ul.unranked{font-size:12px;color:var(--muted)}caption{text-align:left;font-weight:600;padding:2px 0 4px}
      th,td{border:1px solid var(--line);padding:3px 7px;vertical-align:top}thead th{background:#f3f3f3;text-align:left}
      table.steps td:first-child,table.errors td:first-child,table.baseline td:first-child{white-space:nowrap}
      td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      table.kv th{text-align:left;background:#f7f7f7;white-space:nowrap}
      tr.broken td.verdict,td.broken{color:var(--bad);font-weight:600}tr.held td.verdict,td.held{color:var(--ok);font-weight:600}
      tr.recommended{background:#e6f4ea;font-weight:600}tr.unranked{color:var(--muted)}
      .recommendation{font-size:15px;font-weight:600}
      p.basis{padding:8px 12px;border-radius:4px;margin:6px 0 10px;background:#eef3fb;color:#17365d}
      p.basis.emulated,p.basis.mixed,p.basis[data-basis=emulated],p.basis[data-basis=mixed]{background:#fff1d6;color:#6b3b00}
      .missing li,.warn li,p.warn,tr.warn td{color:#8a4b00}tr.corrupt td{background:#fde8e8}strong.corrupt{color:#a00000;text-transform:uppercase}ul.missing{background:#fff6e5;padding:8px 8px 8px 28px;border-radius:4px}
      figure{margin:8px 0 16px;break-inside:avoid;page-break-inside:avoid}
      svg.chart{width:100%;max-width:760px;height:auto;display:block;font-size:12px}
      .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:0 24px}
      .grid{stroke:#ececec}.axis{stroke:#333}.tick{fill:#333}.axis-title{fill:#111;font-size:12px;font-weight:600}
      .ref-label{font-size:11px}.small{fill:#666;font-size:10px}
      ul.legend{list-style:none;padding:0;margin:2px 0 0;display:flex;flex-wrap:wrap;gap:2px 14px;font-size:11.5px;max-width:760px}
      ul.legend li{display:flex;align-items:center;gap:5px}
      p.empty{color:var(--muted);font-style:italic}
      pre.yaml{background:#f7f7f7;border:1px solid var(--line);padding:8px;font-size:11.5px;overflow-x:auto;white-space:pre-wrap}
      @media print{
        body{max-width:none;padding:0;font-size:11px}nav{display:none}
        section{break-before:auto}h2{break-after:avoid}table,figure,.banner{break-inside:avoid}
        .pair{display:block}details>summary{list-style:none}a{color:inherit}
        @page{size:A4;margin:14mm}
      }
      """;
}
