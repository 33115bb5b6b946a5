"""Content of the demo corpus: the five outlets' page templates and the story texts.

All outlets, people and events are fictional, written for this demo; pipeline/demo.py renders them.
"""

# --- Page templates (string.Template), one per outlet. ---

HARBOUR = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title | The Harbour Gazette</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="og:title" content="$title">
<meta property="og:url" content="$url">
<link rel="canonical" href="$url">
<meta name="author" content="$author">
<meta property="article:published_time" content="$published">
<link rel="stylesheet" href="/assets/gazette.css">
</head>
<body>
<div id="cookie-banner" class="cookie-consent" role="dialog">
<p>We use cookies to personalise content and ads and to analyse our traffic. By continuing to
browse you agree to our use of cookies.</p>
<button type="button">Accept all</button> <a href="/privacy">Manage preferences</a>
</div>
<header class="masthead">
<a class="logo" href="/">The Harbour Gazette</a>
<nav class="main-nav"><ul>
<li><a href="/news">News</a></li><li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/puzzles">Puzzles</a></li>
</ul></nav>
</header>
<div class="ad-slot ad-leaderboard">Advertisement</div>
<main id="content">
<article class="story">
<h1>$headline</h1>
<p class="byline">$byline</p>
<time datetime="$published">$date</time>
$body
</article>
<div class="newsletter-promo"><h3>The Morning Tide</h3>
<p>The day's top stories from the harbour and beyond, in your inbox at 6am.</p>
<form action="/newsletter"><input type="email" placeholder="Email address">
<button>Subscribe</button></form></div>
<section id="comments" class="comments"><h2>Comments (2)</h2>
<div class="comment"><b>seaview_sam</b><p>Good to see this covered properly at last.</p></div>
<div class="comment"><b>Maggie R</b><p>Does anyone know when the next update is due?</p></div>
</section>
</main>
<aside class="sidebar"><section class="most-read"><h2>Most read</h2><ol>
$most_read
</ol></section><div class="ad-slot ad-mpu">Advertisement</div></aside>
<footer class="site-footer"><p>© $year The Harbour Gazette Ltd. All rights reserved.</p>
<a href="/terms">Terms</a> | <a href="/privacy">Privacy</a> | <a href="/contact">Contact us</a>
</footer>
</body>
</html>
"""

NORTHFIELD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta property="og:type" content="article">
<meta property="og:title" content="$title">
<meta property="og:url" content="$url">
<meta property="article:published_time" content="$published">
<meta property="article:section" content="$section">
<meta name="author" content="$author">
<link rel="canonical" href="$url">
<title>$title - Northfield Daily</title>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({"section": "$section"});</script>
</head>
<body class="article">
<nav class="top-nav" aria-label="Main">
<a href="/">Home</a> <a href="/news">News</a> <a href="/politics">Politics</a>
<a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/travel">Travel</a>
</nav>
<div class="story-wrapper">
<h1 class="story-headline">$headline</h1>
<div class="story-meta"><span class="author">$byline</span> <span class="date">$date</span></div>
<div class="story-body">
$body
</div>
<div class="share-tools"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
</div>
<aside class="sidebar">
<div class="widget most-read"><h3>Most read</h3><ul>
$most_read
</ul></div>
<div class="widget newsletter-signup"><h3>Northfield Daily newsletter</h3>
<p>Get the headlines every morning. Free, and you can unsubscribe at any time.</p></div>
<div id="ad-sidebar" class="advert">Advertisement</div>
</aside>
<div id="comments" class="comments"><h3>Join the conversation</h3>
<p>Comments are moderated and may take a few minutes to appear.</p></div>
<div class="cookie-notice" id="cookie-notice">This site uses cookies to remember your settings.
Read our cookie policy to find out more. <button>OK</button></div>
<footer><p>Northfield Daily © $year Northfield Media Group</p></footer>
</body>
</html>
"""

CAPITAL = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Capital Wire Online :: $title</title>
<meta name="author" content="$author">
<meta property="og:title" content="$title">
<meta property="og:url" content="$url">
<meta property="article:published_time" content="$published">
<link rel="canonical" href="$url">
</head>
<body>
<div id="cookieconsent">Capital Wire Online uses cookies for analytics and advertising.
<a href="/cookies">Learn more</a> <a href="#">Got it</a></div>
<div id="header"><a href="/"><img src="/img/logo.gif" alt="Capital Wire Online"></a></div>
<div id="menu"><ul class="menu"><li><a href="/">Front page</a></li>
<li><a href="/national">National</a></li><li><a href="/money">Money</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/archive">Archive</a></li></ul></div>
<div id="wrapper">
<div id="main-column">
<div class="article">
<h1>$headline</h1>
<div class="dateline">$date | $byline</div>
<div class="article-text">
$body
</div>
<div class="promo-box">Get Capital Wire in your inbox:
<a href="/subscribe">sign up for the evening digest</a></div>
<div class="comments"><h4>Reader comments</h4>
<p>Be the first to comment. Please keep it civil.</p></div>
</div>
</div>
<div id="right-column" class="sidebar">
<div class="box most-read"><h3>Most read</h3><ul>
$most_read
</ul></div>
<div class="banner-ad">Advertisement</div>
</div>
</div>
<div id="footer">Copyright © $year Capital Wire Online. All rights reserved.</div>
</body>
</html>
"""

COURIER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>$title &#8211; The Evening Courier</title>
<meta property="og:locale" content="en_GB">
<meta property="og:title" content="$title">
<meta property="og:url" content="$url">
<meta property="article:published_time" content="$published">
<meta name="author" content="$author">
<link rel="canonical" href="$url">
<link rel="stylesheet" href="/wp-content/themes/courier/style.css">
</head>
<body class="post-template-default single single-post">
<div id="page" class="site">
<header id="masthead" class="site-header">
<p class="site-title"><a href="/">The Evening Courier</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li><a href="/category/news">News</a></li><li><a href="/category/sport">Sport</a></li>
<li><a href="/category/what-s-on">What's On</a></li><li><a href="/contact">Contact</a></li>
</ul></nav>
</header>
<div id="cookie-law-info-bar" class="cookie-bar"><p>We value your privacy. We use cookies to
enhance your browsing experience and serve personalised ads.</p>
<button class="cli-accept">Accept All</button></div>
<div id="content" class="site-content">
<main id="main" class="site-main">
<article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">$headline</h1>
<div class="entry-meta"><span class="byline">$byline</span>
<time class="entry-date published" datetime="$published">$date</time></div>
</header>
<div class="entry-content">
$body
</div>
<footer class="entry-footer">Posted in <a href="/category/$section">$section</a></footer>
</article>
<div id="comments" class="comments-area"><h2 class="comments-title">One thought on this</h2>
<ol class="comment-list"><li class="comment">Thanks for the update, very useful.</li></ol>
</div>
</main>
<aside id="secondary" class="widget-area">
<section class="widget most-read"><h2 class="widget-title">Most read</h2><ul>
$most_read
</ul></section>
<section class="widget newsletter"><h2 class="widget-title">Courier Daily</h2>
<p>Our best stories, delivered every evening.</p></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
<div class="site-info">© $year The Evening Courier. Proudly independent.</div></footer>
</div>
</body>
</html>
"""

VALLEY = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title · Valley Times</title>
<link rel="canonical" href="$url">
<meta property="og:title" content="$title">
<meta property="og:url" content="$url">
<meta property="og:image" content="https://valleytimes.example/img/share.png">
<meta name="author" content="$author">
<meta property="article:published_time" content="$published">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="vt-header">
<nav class="vt-nav" aria-label="Sections"><ul>
<li><a href="/local">Local</a></li><li><a href="/news">News</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/obituaries">Obituaries</a></li></ul></nav>
<div class="vt-subscribe"><a href="/subscribe">Subscribe from 1 a week</a></div>
</header>
<main id="main">
<div class="ad-container" data-slot="top">Advertisement</div>
<h1 class="article-title">$headline</h1>
<p class="article-byline">$byline · <time datetime="$published">$date</time></p>
<div class="article-body">
$body
</div>
<section class="newsletter-box"><h2>Valley Times Today</h2>
<p>Local news, weather and events, sent to you every weekday lunchtime.</p></section>
<section class="comments" id="comments"><h2>Comments</h2>
<p>Log in or register to join the discussion.</p></section>
</main>
<aside class="most-read" aria-label="Most read"><h2>Most read</h2><ol>
$most_read
</ol></aside>
<div id="cookie-consent" class="consent-banner"><p>Valley Times and our partners use cookies
to store and access information on your device.</p><button>Accept</button>
<button>Reject</button></div>
<footer class="vt-footer"><p>© $year Valley Times Publishing. All rights reserved.</p></footer>
</body>
</html>
"""


# --- Story texts: all fictional, written for this demo. One paragraph per blank-line block. ---

WIRE_TEXT = """
@ port-strike | Business | PORT ELLIS | 2024-03-14
Dockworkers strike at Port Ellis over crane automation plan
Port Ellis grinds to a halt as dockworkers walk out

More than 3,000 dockworkers walked off the job at Port Ellis on Thursday, halting operations at the
country's second-largest container terminal after talks over a plan to automate cranes and gate
operations collapsed late on Wednesday night after more than ten hours of negotiation.

The Harbour and Transport Workers' Union said the strike would last at least 72 hours and could be
extended if the port authority did not withdraw what it called a "job-cutting scheme dressed up as
modernisation." Picket lines formed at all four terminal gates before dawn.

The port authority said the automation programme, which would introduce remote-controlled
ship-to-shore cranes at the eastern terminal by 2027, was needed to keep Port Ellis competitive
with larger hubs along the coast. It has promised that no permanent employee would be made
redundant.

Union secretary Dara Quill told reporters outside the main gate that the promise was "worth nothing
on paper." She said about 400 positions would disappear through attrition within five years and
that younger workers on rolling contracts would be the first to lose out.

At least 14 container ships were anchored offshore by Thursday afternoon, according to vessel
tracking data, and two of the largest shipping lines said they were considering diverting cargo to
ports further north. Freight forwarders warned of delays to retail deliveries ahead of the spring
season.

The regional chamber of commerce estimated that each day of stoppage costs the local economy
roughly 18 million in lost trade and wages. Its president, Anselm Roe, urged both sides to return
to mediation "before the damage becomes permanent" and said small exporters would be hit first.

Transport minister Ilse Varga said the government would not intervene directly but had offered the
services of the national conciliation office. "This is a dispute that has to be settled at the
table, not on the quay," she said, adding that she had spoken to both sides on Thursday morning.

It is the first full stoppage at Port Ellis since 2011, when a nine-day strike over pensions
disrupted exports of grain and timber. Officials said perishable goods already on the quay would be
moved under an emergency protocol agreed with the union, and that talks were expected to resume on
Saturday under an independent mediator.

@ regional-election | Politics | CARROWMERE | 2024-04-21
Green Coast Alliance wins most seats in Carrow Valley assembly vote
Carrow Valley election leaves no party with a majority

The Green Coast Alliance emerged as the largest party in the Carrow Valley regional assembly on
Sunday, winning 31 of 75 seats, but fell short of a majority and will need at least one partner to
form a government, official results showed.

The centre-right Progressive Union, which has led the region for twelve years, dropped to 24 seats
from 33 in the last election, its worst result since the assembly was created. The Farmers and
Towns League won 11 seats, and smaller parties and independents shared the rest.

Turnout was 64.2 percent, up almost six points on the previous vote, driven by strong participation
in the coastal districts where flooding, storm damage and rising insurance costs dominated the
campaign for months. Polling stations in several towns stayed open late to clear queues.

Alliance leader Mireille Okonta told cheering supporters at a riverside hall in Carrowmere that
voters had chosen "a region that plans for the next storm instead of apologising after it." She
said she would begin talks with other parties on Monday morning.

Outgoing regional president Hallam Gredde conceded defeat shortly before midnight. "The result is
clear and we accept it," he said, adding that his party would examine why it had lost support among
younger voters and in the towns along the estuary.

Analysts said the Farmers and Towns League was likely to be the kingmaker. Its leader, Piet
Annesley, has said he could support an Alliance-led government if it dropped proposals to restrict
fertiliser use near rivers, a central plank of the Alliance programme.

"Both sides need each other, and both know it," said Lina Voss, a political scientist at the
University of Carrowmere. "The question is whether the Alliance can sell a compromise on farming to
its own members, many of whom joined because of that policy."

Under regional law, the assembly must elect a president within 30 days of its first sitting, which
is scheduled for May 6. If no candidate wins a majority after three rounds of voting, a new
election must be called within two months.

@ bridge-inquiry | News | WESTHOLM | 2024-05-08
Inquiry hears warnings over Marren Bridge were ignored for years
Engineers flagged corrosion on Marren Bridge long before collapse, inquiry told

Engineers raised concerns about corroded support cables on the Marren Bridge in Westholm at least
four years before it collapsed into the river last October, a public inquiry heard on Wednesday as
the first day of hearings opened in the city hall.

The collapse of the 140-metre road bridge during the evening rush hour killed six people and
injured 23. Two cars and a delivery van fell into the water when a section of the deck gave way
after a support cable snapped.

Giving evidence on the first day, structural engineer Petra Solvang said she had written to the
city's infrastructure department in 2019 recommending that heavy vehicles be banned from the bridge
until the cables could be replaced. "I received an acknowledgement and then nothing," she said.

Inspection reports shown to the inquiry rated the cable anchorages as "poor" in 2019 and "serious"
in 2021. A replacement programme was approved in principle in 2022 but was postponed twice because
of budget pressures, according to council minutes seen by the inquiry panel.

Counsel to the inquiry, Morwen Achterberg, said the panel would examine "not only what failed in
the steel, but what failed in the system." She said more than 40,000 pages of documents had been
disclosed by the city and its contractors so far.

Relatives of the victims watched from the public gallery, some holding photographs of those who
died. Outside the building, a group of families called for criminal charges against officials who
had signed off on the postponements and for the inquiry to sit in public throughout.

The city's current mayor, Oskar Lindqvist, who took office after the collapse, said last month that
the council would "not hide behind the inquiry" and has commissioned independent checks on 37 other
bridges in the municipality, with results due to be published in the spring.

The inquiry is expected to sit for about ten weeks and to publish interim findings before the end
of the year. A temporary crossing built by army engineers has carried traffic over the river since
December, though buses still face long detours.

@ rate-decision | Business | LINDGATE | 2024-06-06
National Reserve Bank cuts interest rate for first time in three years
Reserve Bank lowers benchmark rate to 4.25 percent as inflation cools

The National Reserve Bank cut its benchmark interest rate by a quarter of a percentage point to
4.25 percent on Thursday, its first reduction in three years, saying inflation was now moving
steadily back towards its target after the sharpest price shock in a generation.

The decision by the bank's monetary policy committee was taken by a vote of six to three, with the
three dissenting members preferring to keep rates unchanged until there was clearer evidence that
wage growth was slowing and that services inflation had peaked.

Annual consumer price inflation fell to 2.8 percent in April from a peak of 9.1 percent two years
ago, helped by lower energy prices and easing food costs. The bank's target is 2 percent, and
officials expect to reach it some time next year.

Governor Helena Strand told a news conference in Lindgate that the cut did not mark the start of a
rapid easing cycle. "We are taking our foot slightly off the brake, not pressing the accelerator,"
she said. "Further moves will depend on the data."

The bank's new projections showed growth of 0.9 percent this year, slightly weaker than forecast in
March, with unemployment expected to rise to 5.1 percent by the end of next year as hiring slows in
construction and retail and more firms freeze recruitment.

The currency fell about 0.4 percent against the dollar after the announcement, while government
bond yields dropped as investors priced in a second cut before the end of the year. Shares in the
main retail banks were little changed in afternoon trading.

Business groups welcomed the move. The Federation of Small Enterprises said high borrowing costs
had forced many firms to delay investment and hiring, and called for further cuts "as soon as is
prudent" to support the manufacturing sector and the building trade.

Mortgage lenders were expected to pass on at least part of the cut to variable-rate borrowers
within weeks. About 1,200,000 households have loans linked directly to the bank's rate, according
to industry figures. The next policy decision is due on July 25.

@ wildfire | News | ORRIN FALLS | 2024-07-19
Thousands evacuated as wildfire spreads through Sable Hills
Sable Hills wildfire forces 4,500 from their homes

About 4,500 residents were ordered to leave their homes near Orrin Falls on Friday as a wildfire
driven by strong winds tore through more than 12,000 hectares of forest and farmland in the Sable
Hills, the worst fire in the area for two decades.

The fire began on Wednesday afternoon near a disused quarry and spread rapidly overnight as
temperatures stayed above 30 degrees Celsius and gusts reached 70 kilometres per hour, the regional
fire service said in its morning update to residents and local councils.

More than 600 firefighters, supported by eleven water-bombing aircraft and crews from three
neighbouring regions, were battling the blaze on several fronts. Fire chief Ruben Halloway said the
northern flank was "completely out of control" and could reach the outskirts of Orrin Falls by
Saturday.

Evacuation centres were set up in two schools and a sports hall in the town, where volunteers
handed out water, blankets and hot meals. Dozens of horses and other livestock were moved to
showgrounds on the coast by farmers with trailers.

At least 30 homes and farm buildings have been destroyed, officials said. Two firefighters were
treated in hospital for smoke inhalation and heat exhaustion, but there were no reports of deaths
or missing people. Assessors are expected to reach the worst-hit valleys on Saturday.

The main highway between Orrin Falls and the coast was closed, and the national rail operator
suspended services on the hill line. Authorities warned that smoke could affect air quality across
the region for days and advised people with asthma to stay indoors.

Meteorologists said there was little chance of rain before the middle of next week. The Sable Hills
have had less than a third of their usual summer rainfall, leaving grass and undergrowth extremely
dry and easy to ignite even from a single spark.

Residents who stayed behind described a sky turned orange by mid-afternoon. "You could hear it
before you could see it, like a train coming through the trees," said Marta Engel, a beekeeper who
left her farm with her two children. Police said they had not ruled out arson.

@ tablet-recall | Technology | TESSALY | 2024-08-02
Nimbra recalls 240,000 tablets over battery overheating risk
Nimbra pulls Lumo Tab 3 from shelves after reports of burns

Consumer electronics company Nimbra Devices said on Friday it was recalling about 240,000 Lumo Tab
3 tablets after receiving reports that the battery could overheat while charging, in some cases
causing minor burns to users who were holding the device at the time.

The company said it had received 57 reports of devices becoming dangerously hot, including nine in
which the casing swelled or split open. Four people reported minor burns to their hands. No fires
have been confirmed by the authorities so far.

The recall covers tablets sold between September and February in the company's home market and in
six export markets. Customers can identify affected units by a serial number beginning with LT3-B,
printed on the back of the device and shown in the settings menu.

Nimbra chief executive Jonas Ferreira apologised to customers in a video statement. "We have let
down people who trusted us, and we will put it right," he said, adding that owners would receive a
full refund or a replacement tablet with a redesigned battery.

An internal investigation traced the fault to a batch of battery cells from a single supplier, the
company said. It has stopped using that supplier and is reviewing quality controls at its assembly
plant in Tessaly, which employs about 1,800 people.

The national product safety regulator said it was monitoring the recall and urged owners to stop
using the tablets immediately. "Do not charge the device overnight or leave it charging
unattended," the regulator said in a notice on its website.

Shares in Nimbra fell nearly 7 percent in early trading. Analysts at Corvane Securities estimated
the recall would cost the company about 85 million, roughly a fifth of its expected annual profit,
and could weigh on sales before the holiday season.

The Lumo Tab 3 was the best-selling tablet in the company's line-up last year and had been heavily
promoted for use in schools, where thousands of units were bought through a government programme
for digital classrooms launched two years ago.

@ football-transfer | Sport | GREYHAVEN | 2024-08-29
Greyhaven Rovers sign Tomas Alvane in club-record deal
Alvane joins Rovers for record 38 million fee

Greyhaven Rovers completed the signing of striker Tomas Alvane from Calder Point Athletic on
Thursday for a fee of 38 million, breaking the club's transfer record by more than 10 million on
the final day of the summer transfer window.

The 24-year-old, who scored 27 goals in all competitions last season, signed a five-year contract
after passing a medical in Greyhaven on Wednesday night. He will wear the number nine shirt left
vacant since the retirement of the club captain.

"This is a club with history and ambition, and I want to help bring trophies back here," Alvane
said in a statement released by Rovers. "The supporters have been incredible from the first
message, and I cannot wait to play in front of them."

Rovers manager Eliska Marron had made a new striker her main priority after the club finished fifth
last season, missing out on continental qualification by two points. The team has scored only three
goals in its first four league games this season.

Calder Point Athletic had rejected two earlier bids, of 28 million and 33 million. The final
package includes add-ons linked to appearances and trophies, and Athletic will receive 15 percent
of any future sale, according to people familiar with the deal.

Alvane came through the youth academy at Athletic and made his debut at 17. His departure leaves
the club without a recognised centre-forward, and Athletic were trying to complete a loan deal for
a replacement before the deadline closed at midnight.

The striker could make his debut for Rovers against Westholm United on Sunday, although Marron said
she would wait to assess his fitness after training on Friday. "He has not had a full pre-season
with us, so we will be careful," she said.

@ vaccine-trial | Health | NORHAVEN | 2024-09-12
Experimental RSV vaccine shows 71 percent efficacy in older adults
Halvern Biologics says RSV shot cut illness by 71 percent in late-stage trial

An experimental vaccine against respiratory syncytial virus reduced illness by 71 percent among
adults aged 60 and over in a large late-stage trial, its developer Halvern Biologics said on
Thursday, raising hopes of wider protection for a group that is often admitted to hospital in
winter.

The trial enrolled about 18,000 volunteers at 140 sites across four countries. Half received a
single dose of the vaccine and half a placebo, and participants were followed through one full
winter season by researchers who did not know which shot they had been given.

There were 19 cases of RSV-related lower respiratory illness in the vaccine group compared with 66
in the placebo group, according to results presented at a medical conference in Norhaven.
Protection against severe illness was 84 percent, though the number of severe cases was small.

Side effects were mostly mild, the company said. The most common were pain at the injection site,
tiredness and headache, which usually lasted one or two days. Rates of serious adverse events were
similar in both groups of volunteers throughout the trial.

RSV is best known as a cause of illness in infants but also puts thousands of older people in
hospital each winter, especially those with heart or lung conditions. Doctors have few treatment
options once the infection takes hold, and care is largely limited to oxygen and fluids.

"These are solid results in exactly the population we most need to protect," said Dr Annika
Brandvold, an infectious disease specialist who was not involved in the study. She cautioned that
data on how long protection lasts beyond one season were still needed.

Halvern said it planned to apply for approval early next year and would continue to follow trial
participants for a second and third season. The company has not said how much the vaccine would
cost or how many doses it could produce.

Two other RSV vaccines for older adults are already available in some markets, and health
authorities are still weighing how widely to recommend them, given limited budgets and competing
priorities for the winter immunisation programme and the wider pressure on hospitals each year.

@ museum-theft | Culture | EVENMOOR | 2024-10-03
Medieval reliquary stolen in overnight raid on Evenmoor museum
Thieves break into Evenmoor Civic Museum through roof skylight

Thieves broke into the Evenmoor Civic Museum through a roof skylight overnight and escaped with a
gilded medieval reliquary and three silver brooches, police said on Thursday, in what the museum's
director called "a devastating loss for the whole city."

The break-in took place between 2 a.m. and 3 a.m., according to investigators. Security cameras
recorded two people dressed in dark clothing lowering themselves into the first-floor gallery on
ropes and smashing a display case with a hammer before climbing back out.

An alarm was triggered when the case was broken, but the thieves had left by the time a security
patrol arrived about eight minutes later. A ladder and a length of rope were found in a lane behind
the building, and officers sealed off the surrounding streets.

The reliquary, a small box of gilded copper set with enamel and rock crystal, dates from the 13th
century and was found in a local churchyard in 1887. Experts say it is one of only a handful of its
kind to survive in the region.

Museum director Clementine Harrow said the objects were "priceless in every sense," adding that
their historical value far exceeded any price they could fetch. "They are almost impossible to sell
openly. We appeal to whoever has them to return them," she said.

Detective Inspector Yusuf Camberley said police were examining whether the theft was carried out to
order. He appealed for anyone who saw a van or car parked near the museum in the early hours to
contact investigators, and said the force was working with specialist art crime officers.

The museum will remain closed for at least a week while forensic teams examine the gallery. It
reopened only last year after a three-year renovation that included new security systems, and the
city council said it would review why they had failed.

@ drought-rationing | Environment | SALT HOLLOW | 2024-07-02
Salt Hollow introduces water rationing as reservoirs fall to 31 percent
Drought forces overnight water limits on 600,000 households

Water authorities in the Salt Hollow region will introduce rationing from Monday, limiting supply
to about 600,000 households overnight, after reservoir levels fell to 31 percent of capacity
following the driest spring in 50 years and an unusually warm start to the summer.

Under the plan announced on Tuesday, mains pressure will be reduced between 10 p.m. and 6 a.m., and
the use of hosepipes, sprinklers and private swimming pools will be banned until further notice.
Fines of up to 1,500 can be issued for repeat breaches.

"We have run out of gentler options," said Ingrid Vallance, chief executive of Salt Hollow Water.
"If we do nothing now, we risk taps running dry in some towns by September, and that is a risk no
responsible utility can take."

Rainfall across the region since March has been less than 40 percent of the long-term average,
according to the national weather service, and temperatures in June were the highest on record at
several weather stations along the valley and on the coast.

Farmers, who account for most of the region's water use, have already had irrigation allowances cut
by a quarter. The regional farmers' association said fruit and vegetable growers faced heavy losses
and called for emergency compensation from the regional government.

Hospitals, care homes and schools will be exempt from the overnight restrictions. The utility said
it would deliver bottled water to vulnerable residents if needed and was setting up a helpline
staffed around the clock for anyone who loses supply.

Environmental groups said the crisis had been made worse by years of underinvestment. Salt Hollow
Water loses about a fifth of the water it treats through leaking pipes, one of the worst rates in
the country, according to the industry regulator.

The regional government said it would fast-track plans for a desalination plant on the coast, but
officials acknowledged it would not be operating for at least four years and that its energy costs
and its effect on marine life were still being assessed.

@ space-launch | Science | CALDER POINT | 2024-11-14
Aster rocket puts Kestrel-2 observation satellite into orbit
Skyline Orbital's second launch from Calder Point succeeds

A privately built Aster rocket lifted off from the Calder Point spaceport on Thursday and placed
the Kestrel-2 earth observation satellite into orbit, the country's first successful commercial
launch from its own territory and a milestone for a small but fast-growing space industry.

The two-stage rocket, developed by the start-up Skyline Orbital, left the pad at 06:42 local time
after a two-day delay caused by high winds. The satellite separated from the upper stage about 54
minutes later at an altitude of around 550 kilometres.

Engineers in the control room cheered as telemetry confirmed separation. "Every launch teaches us
something, but today the lesson was simply that it works," said Skyline Orbital chief executive
Saoirse Dunleavy, who founded the company six years ago with a team of just eleven engineers.

The company's first attempt, in March last year, ended when the second stage shut down early and
the rocket fell into the sea. An investigation blamed a faulty valve in the fuel system, which was
redesigned and tested more than 200 times on the ground.

Kestrel-2 carries cameras that can resolve objects as small as 1.5 metres and will be used to
monitor crops, coastal erosion and wildfire damage. The national space agency paid about 30 million
for the satellite and its launch under a contract signed in 2022.

Skyline Orbital has contracts for four more launches over the next two years, including two for
foreign customers. It aims to launch once a month by 2027, though analysts say that goal is
ambitious for a company with only one successful flight.

The spaceport, on a former military airfield on the Calder peninsula, was opened in 2021. Local
residents have raised concerns about noise and road closures on launch days, and the regional
council is reviewing the site's operating licence before it comes up for renewal.

@ court-ruling | Politics | CARROWMERE | 2024-12-05
Constitutional Court strikes down bulk data retention law
Court rules phone data law breaches right to privacy

The Constitutional Court ruled on Thursday that a law requiring telecommunications companies to
store the phone and internet records of all customers for two years was unconstitutional, handing a
significant victory to privacy campaigners who had challenged the law for almost a decade.

In a majority decision, seven of the court's nine judges found that the blanket retention of data
on millions of people who were not suspected of any crime was a disproportionate interference with
the right to private life and the confidentiality of communications.

"The state may not treat every citizen as a potential suspect," Chief Justice Amara Delacroix said,
reading a summary of the judgment in Carrowmere. The court gave parliament twelve months to pass
new legislation before the existing law ceases to apply.

The case was brought by the civil liberties group Open Line and two journalists, who argued that
stored records could reveal their confidential sources. Their lawyer, Felix Morrow, called the
ruling "a landmark for every citizen who values a private conversation."

The interior ministry said it respected the decision but warned that investigators relied on
retained data in serious cases including terrorism, child abuse and organised crime. It said it
would propose a targeted regime that still allowed access to records under judicial supervision.

Two dissenting judges argued that the safeguards in the existing law, including the need for a
court order before police could access records, were sufficient. They said the majority had
underestimated the practical needs of law enforcement in a digital age.

Telecommunications companies, which have long complained about the cost of storing the data, said
they would wait for guidance from the regulator before deleting any records, and that customers
would not notice any immediate change to their services or bills.
"""

LOCAL_TEXT = """
@ cafe-report | Local | RIVERSIDE | 2024-05-20
Riverside café reopens six months after flood damage

The Millrace Café on Quay Lane reopened its doors on Saturday morning, six months after floodwater
from the swollen River Tavy poured through the building and ruined its kitchen, furniture and most
of its stock.

Owners Bea and Tom Farrant said they had been overwhelmed by the support of regulars, who raised
more than 9,000 through an online appeal and spent weekends helping to strip and repaint the walls.
"We could not have done it without them," Bea Farrant said.

The café has been redesigned with electrical sockets raised above knee height, a tiled floor in
place of the old wooden boards and flood barriers that can be slotted into the doorway in under a
minute.

The first customers began queuing before eight, and by mid-morning the café had sold out of its
cinnamon buns. Tom Farrant said the menu was largely unchanged, although a new breakfast named
after the volunteers had been added.

@ orchard-volunteers | Community | NETLEY | 2024-11-23
Volunteers plant community orchard on old railway sidings

More than 80 volunteers spent Saturday planting apple, pear and plum trees on a strip of disused
railway sidings behind Netley Road, the first stage of a community orchard that organisers hope
will be open to the public by next summer.

The project was started by residents who had watched the land sit empty for more than a decade.
After two years of negotiations, the rail operator agreed to lease the site to a local trust for a
nominal fee of one pound a year.

Children from Netley Road primary school helped to plant the first row of trees, each labelled with
a traditional local variety. Organiser Ruth Ambler said several of the varieties had almost
disappeared from gardens in the area.

The trust plans to add benches, a wildflower meadow and raised beds for people with limited
mobility. Fruit will be free for anyone to pick, and any surplus will go to the food bank on the
high street. Volunteers meet on the first Saturday of every month.

@ school-robotics | Education | LINDGATE | 2024-06-14
Lindgate students' robot takes top prize at engineering fair

A team of five students from Kestrel Lane secondary school in Lindgate has won the top prize at the
regional young engineers' fair with a robot that sorts recycling by scanning the shape and colour
of each item.

The robot, built over eight months in an after-school club, uses a low-cost camera and a simple
learning model trained on thousands of photographs of bottles, cans and cartons that the students
took themselves in the school canteen.

Judges praised the team for testing the machine in real conditions rather than in a lab. It sorted
items correctly nine times out of ten during the final demonstration, the highest accuracy recorded
in the competition this year.

Team captain Nadia Okafor, 16, said the group wanted to build something useful for the school.
"Everyone puts things in the wrong bin, including the teachers," she said. The team will now
represent the region at the national final in October.

@ weather-outlook | Weather | NORTHFIELD | 2024-03-16
Weekend weather: sunshine on Saturday, showers on Sunday

Saturday will be mostly dry with sunny spells and light westerly winds. Highs of 14C, falling to 5C
overnight.

Sunday turns cloudier, with showers spreading from the west by mid-afternoon. Highs of 11C.

@ road-closures | Travel | NORTHFIELD | 2024-09-09
Roadworks: closures on Mill Street and the ring road this week

Mill Street will be closed between Church Lane and the bus station from Monday to Wednesday for
resurfacing. Diversions are signposted.

Overnight lane closures will also be in place on the northbound ring road from 8pm to 5am until
Friday.
"""
