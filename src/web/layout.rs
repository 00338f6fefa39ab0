//! The frame every page shares (a header that knows who is signed in,
//! with a sign-out button that is a CSRF form, the main area, a footer),
//! the stylesheet (system fonts only, AA contrast, visible focus, down to
//! 360 px wide), and OpenGraph tags.

use super::page::Page;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Wraps `body` in the page frame, with `head` (feed links, OpenGraph) in
/// its head.
pub fn frame(page: &Page, title: &str, head: Markup, body: Markup) -> Markup {
    let instance = page.instance();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (instance) }
                style { (PreEscaped(STYLE)) }
                (head)
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    div.bar {
                        a.brand href="/" { span.mark aria-hidden="true" { "⌂" } " " (instance) }
                        nav aria-label="Site" {
                            ul {
                                li { a href="/" { "Directory" } }
                                @if let Some(viewer) = &page.viewer {
                                    li { a href="/communities/new" { "Start a community" } }
                                    @if viewer.is_admin { li { a href="/admin" { "Admin" } } }
                                    li { a href={ "/u/" (viewer.handle()) } aria-label={ "Your page: " (viewer.shown_name()) } { (viewer.shown_name()) } }
                                    li {
                                        form.inline method="post" action="/logout" {
                                            (page.csrf_field())
                                            button.link type="submit" { "Sign out" }
                                        }
                                    }
                                } @else {
                                    li { a href="/login" { "Sign in" } }
                                    @if page.fed.settings.registration_open {
                                        li { a href="/register" { "Create an account" } }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main { (body) }
                footer.site {
                    p { (instance) " · powered by Guildhall, a federated home for communities of practice. Follow any community from Mastodon or another fediverse app with its handle." }
                }
            }
        }
    }
}

/// OpenGraph tags, so that a link to the page previews well on Mastodon:
/// its `kind` (`website`, `article`, `event`), title, a plain-text
/// description (cut to 200 characters) and canonical URL.
pub fn open_graph(kind: &str, title: &str, description: &str, url: &str) -> Markup {
    let description: String = description.chars().take(200).collect();
    html! {
        meta property="og:type" content=(kind);
        meta property="og:title" content=(title);
        meta property="og:description" content=(description);
        meta name="description" content=(description);
        meta property="og:url" content=(url);
        link rel="canonical" href=(url);
    }
}

/// The stylesheet: inline (the CSP allows no other origin), system fonts.
/// Text colours keep at least 4.5:1 against their backgrounds.
const STYLE: &str = r#"
:root{--ink:#1d2430;--muted:#4a5565;--line:#d6dbe3;--paper:#f6f4ef;--card:#fff;--brand:#1f4e5f;--brand-ink:#fff;--accent:#9a3412;--focus:#b45309;--ok:#166534;--bad:#b91c1c;--soft:#e8eef1}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:1.0625rem;line-height:1.55;color:var(--ink);background:var(--paper)}
a{color:var(--brand);text-underline-offset:.15em}
a:hover{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
header.site{background:var(--brand);color:var(--brand-ink)}
header.site .bar{max-width:64rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
header.site a,header.site .link{color:var(--brand-ink)}
header.site :focus-visible{outline-color:#fde68a}
.brand{font-weight:700;font-size:1.2rem;text-decoration:none;letter-spacing:.01em}
.mark{display:inline-block;background:#fff;color:var(--brand);border-radius:.3rem;width:1.6rem;text-align:center;line-height:1.6rem}
header.site ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.1rem;align-items:center}
form.inline{display:inline;margin:0}
button.link{background:none;border:0;padding:0;font:inherit;text-decoration:underline;cursor:pointer;text-underline-offset:.15em}
main{max-width:64rem;margin:0 auto;padding:1.25rem 1rem 3rem}
footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
footer.site p{max-width:64rem;margin:0 auto;padding:1rem}
h1,h2,h3{line-height:1.25;margin:1.4rem 0 .6rem}
h1{font-size:clamp(1.6rem,4vw,2.2rem);margin-top:.4rem}
h2{font-size:1.35rem}
h3{font-size:1.1rem}
.lede{font-size:1.15rem;color:var(--muted);max-width:42rem}
.handle,.meta{color:var(--muted);font-size:.95rem}
.meta a{color:var(--muted)}
code{background:var(--soft);padding:.05rem .3rem;border-radius:.25rem;font-size:.92em;overflow-wrap:anywhere}
.card{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1rem 1.25rem;margin:0 0 1rem}
.card>:first-child{margin-top:0}.card>:last-child{margin-bottom:0}
.cards{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}
.cards>li{margin:0}
.cards h3{margin-top:0}
.layout{display:grid;gap:1.5rem;grid-template-columns:minmax(0,2fr) minmax(0,1fr)}
@media (max-width:50rem){.layout{grid-template-columns:minmax(0,1fr)}}
.tag{display:inline-block;background:var(--soft);color:var(--brand);border-radius:1rem;padding:0 .6rem;font-size:.85rem;margin:0 .25rem .25rem 0}
.stage{display:inline-block;border:1px solid var(--brand);color:var(--brand);border-radius:.3rem;padding:0 .45rem;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.75rem 0}
.button,button{display:inline-block;font:inherit;font-weight:600;background:var(--brand);color:#fff;border:2px solid var(--brand);border-radius:.4rem;padding:.45rem 1rem;text-decoration:none;cursor:pointer;min-height:2.75rem}
.button:hover,button:hover{background:#163a47;color:#fff}
.button.secondary,button.secondary{background:var(--card);color:var(--brand)}
.button.secondary:hover,button.secondary:hover{background:var(--soft)}
button[aria-pressed=true]{background:var(--ok);border-color:var(--ok)}
header.site button.link{min-height:0;font-weight:400;border:0}
header.site button.link:hover{background:none;color:#fde68a}
dl.charter{display:grid;grid-template-columns:minmax(8rem,12rem) 1fr;gap:.35rem 1rem;margin:0}
dl.charter dt{font-weight:600;color:var(--muted)}
dl.charter dd{margin:0}
dl.charter ul{margin:0;padding-left:1.1rem}
@media (max-width:36rem){dl.charter{grid-template-columns:1fr}dl.charter dd{margin-bottom:.5rem}}
article.post{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1rem 1.25rem;margin:0 0 1rem;overflow-wrap:anywhere}
article.post h2,article.post h3{margin:0 0 .25rem}
article.reply{margin-left:1.25rem;border-left:4px solid var(--soft)}
article.post img{max-width:100%;height:auto}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain>li{padding:.5rem 0;border-bottom:1px solid var(--line)}
ul.plain>li:last-child{border-bottom:0}
.field{margin:0 0 1rem}
.field label{display:block;font-weight:600;margin-bottom:.2rem}
.required{font-weight:400;color:var(--muted);font-size:.9rem}
.hint{margin:0 0 .3rem;color:var(--muted);font-size:.92rem}
input[type=text],input[type=url],input[type=password],input[type=search],input[type=number],input[type=datetime-local],select,textarea{width:100%;max-width:40rem;font:inherit;color:var(--ink);background:#fff;border:2px solid #6b7280;border-radius:.35rem;padding:.45rem .6rem}
textarea{min-height:6rem}
.invalid input,.invalid textarea,.invalid select{border-color:var(--bad)}
.field-error{color:var(--bad);margin:.3rem 0 0}
.alert{border:2px solid var(--bad);background:#fef2f2;border-radius:.5rem;padding:.6rem 1rem;margin:0 0 1rem}
.alert p{margin:0}
.notice{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1rem 1.25rem}
fieldset{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem 0;margin:0 0 1rem;background:var(--card)}
legend{font-weight:700;padding:0 .35rem}
.row{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr))}
form.search{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));align-items:end}
form.search .field{margin-bottom:.75rem}
form.search .wide{grid-column:1/-1}
.diff del{background:#fde2e2;color:#7f1d1d;text-decoration:line-through}
.diff ins{background:#dcfce7;color:#14532d;text-decoration:none}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
@media (max-width:40rem){table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}table.stack td{display:block;border:0;padding:.1rem 0}table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}}
.kudos li strong{color:var(--ink)}
details summary{cursor:pointer;font-weight:600}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.hero{background:linear-gradient(135deg,#e3ecef,#f6f4ef);border:1px solid var(--line);border-radius:.8rem;padding:1.25rem 1.5rem;margin:0 0 1.5rem}
.hero h1{margin-top:0}
.narrow{max-width:30rem;margin:0 auto}
.community-head{margin-bottom:1rem}
.community-head .lede{margin:.2rem 0 0}
.membership{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.6rem 1.25rem;margin-top:1rem}
.membership p,.membership form{margin:0}
aside .card h2{font-size:1.15rem;margin-top:0}
.count{font-weight:700;font-size:1.4rem;color:var(--brand)}
"#;
