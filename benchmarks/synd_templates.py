"""Outlet page templates of the syndication corpus: the demo's five plus three heavier ones."""

from __future__ import annotations

from string import Template

from wirestory.pipeline.demo import OUTLETS as DEMO_OUTLETS
from wirestory.pipeline.demo import Outlet

# A portal page: chrome outweighs a short article several times over.
_PORTAL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title | Metro Portal</title>
<meta property="og:site_name" content="Metro Portal">
<meta property="og:title" content="$title">
<meta property="og:url" content="$url">
<link rel="canonical" href="$url">
<meta name="author" content="$author">
<meta property="article:published_time" content="$published">
<script>var ads = {slots: ["top", "mid", "rail"], section: "$section"};</script>
</head>
<body>
<div class="consent-overlay" id="gdpr-consent"><h2>Your privacy choices</h2>
<p>We and our 843 partners store and access information on your device, such as cookies, and
process personal data for personalised advertising, measurement and content development.</p>
<button>Accept and continue</button> <button>Reject all</button> <a href="/privacy">Options</a>
</div>
<header class="portal-header"><a href="/" class="brand">Metro Portal</a>
<nav class="mega-menu"><ul>
<li><a href="/news">News</a></li><li><a href="/world">World</a></li>
<li><a href="/money">Money</a></li><li><a href="/tech">Tech</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/life">Life</a></li>
<li><a href="/travel">Travel</a></li><li><a href="/video">Video</a></li>
<li><a href="/podcasts">Podcasts</a></li><li><a href="/deals">Deals</a></li></ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search Metro Portal"></form>
</header>
<div class="ad-slot" id="ad-top">Advertisement</div>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/$section">$section</a></div>
<main class="layout">
<article class="article-main">
<h1 class="headline">$headline</h1>
<div class="meta"><span class="byline">$byline</span> <time datetime="$published">$date</time>
<span class="reading-time">4 min read</span></div>
<div class="share-bar"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
<div class="article-content">
$body
</div>
<div class="ad-slot" id="ad-mid">Advertisement</div>
<div class="tags">Topics: <a href="/t/$section">$section</a> <a href="/t/latest">Latest</a></div>
</article>
<section class="comments" id="comments"><h2>Comments (3)</h2>
<div class="comment"><b>northern_light</b><p>Interesting read, thanks for sharing it.</p></div>
<div class="comment"><b>PJ</b><p>I'd like to know what happens next with this.</p></div>
<div class="comment"><b>m.keller</b><p>Not surprised at all, to be honest.</p></div>
</section>
</main>
<aside class="rail">
<div class="ad-slot" id="ad-rail">Advertisement</div>
<section class="most-read"><h2>Most read</h2><ol>
$most_read
</ol></section>
<section class="newsletter"><h2>The Daily Metro</h2>
<p>The stories everyone is talking about, every morning at seven.</p></section>
</aside>
<footer class="portal-footer"><p>© $year Metro Portal Media. All rights reserved.</p>
<a href="/about">About</a> <a href="/jobs">Jobs</a> <a href="/advertise">Advertise</a>
<a href="/terms">Terms</a> <a href="/privacy">Privacy</a></footer>
</body>
</html>
"""

# An old table-layout wire mirror: <br>-separated body, no semantic tags.
_MIRROR = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>$title - WireMirror</title>
<meta name="author" content="$author">
<meta property="og:url" content="$url">
</head>
<body bgcolor="#ffffff">
<table width="100%" border="0"><tr>
<td class="topbar"><a href="/">WireMirror</a> | <a href="/latest">Latest</a> |
<a href="/business">Business</a> | <a href="/world">World</a> | <a href="/login">Log in</a></td>
</tr></table>
<div class="cookiebar">This website uses cookies. By using it you accept our cookie policy.</div>
<table width="100%" border="0"><tr>
<td width="70%" valign="top">
<font size="5"><b>$headline</b></font><br>
<font size="2">$date - $byline</font><br><br>
<div class="story">
$body
</div>
<br><font size="1">Advertisement</font>
</td>
<td width="30%" valign="top" class="most-read"><b>Most read</b><ul>
$most_read
</ul><br><font size="1">Advertisement</font></td>
</tr></table>
<div class="foot">WireMirror © $year. Mirrored wire copy for archive purposes.</div>
</body>
</html>
"""

# A script-built page: every block a <div><span>, class names hashed by a CSS-in-JS tool, so
# the extractor cannot tell the consent banner and the menu from the story and keeps them all.
_LEDGER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title - Lakeside Ledger</title>
<meta property="og:site_name" content="Lakeside Ledger">
<meta property="og:url" content="$url">
<meta name="author" content="$author">
<meta property="article:published_time" content="$published">
</head>
<body>
<div id="root"><div class="css-1q2w3e">
<div class="css-8u7y6t"><div><span>We use cookies and similar technologies to personalise
content and ads, to provide social media features and to analyse our traffic. We also share
information about your use of our site with our advertising and analytics partners.</span></div>
<div><span>By clicking Accept all you agree to the storing of cookies on your device.</span></div>
<div><span>Accept all</span> <span>Manage preferences</span></div>
<div><span>Home</span></div><div><span>Local</span></div><div><span>Region</span></div>
<div><span>Politics</span></div><div><span>Business</span></div><div><span>Sport</span></div>
<div><span>Opinion</span></div><div><span>Weather</span></div><div><span>Obituaries</span></div>
<div><span>Puzzles</span></div><div><span>Subscribe</span></div><div><span>Sign in</span></div>
</div>
<div class="css-5r4e3w">
<div><span>$headline</span></div>
<div><span>$byline</span> <span>$date</span></div>
$body
</div>
<div class="css-0o9i8u"><div><span>Most read</span></div><ul>
$most_read
</ul></div>
<div class="css-7y6t5r"><div><span>© $year Lakeside Ledger Media Group</span></div></div>
</div></div>
</body>
</html>
"""
# Outlets whose body paragraphs are <div><span> blocks instead of <p> elements.
SPAN_BODY = frozenset({"lakeside-ledger"})

OUTLETS: tuple[Outlet, ...] = (
    *DEMO_OUTLETS,
    Outlet(
        "metro-portal", "Metro Portal", "metroportal.example", "", False, False, Template(_PORTAL)
    ),
    Outlet("wire-mirror", "WireMirror", "wiremirror.example", "", True, True, Template(_MIRROR)),
    Outlet(
        "lakeside-ledger",
        "Lakeside Ledger",
        "lakesideledger.example",
        "",
        False,
        False,
        Template(_LEDGER),
    ),
)
