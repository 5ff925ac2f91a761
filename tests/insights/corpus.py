"""A test corpus of needs and dreams about one leader, written by hand for the tests (issue
19's first acceptance point): 301 respondents, 43 of each of the seven relationships, 599
answers. Over a third are Swedish, with real compounds (*leveransbesked*, *leveranstider*,
*lastningstider*, *väntetimmar*, *veckomötet*, *förbättringsprojekt*, ...); some have emoji,
one is Arabic and one mixed-script; each relationship has one-word answers in both
languages and a long answer in each; months, weekdays and numbers occur as people write
them. Fictional; any likeness to real answers is by theme only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    respondent: str
    relationship: str
    needs: str
    dreams: str


_DIRECT_REPORTS = [
    ("Clearer priorities for the quarter.", "A career path I can see, with mentoring."),
    ("Clear priorities and less overtime.", "Growing into a lead role and learning every week."),
    ("Tydligare prioriteringar och mindre övertid.", "Att utvecklas och ta mer ansvar."),
    ("Fewer meetings and a realistic workload 😅", "Owning our product decisions end to end."),
    ("Feedback on my work more often.", "Learning new skills on real customer problems."),
    ("Vi behöver tydligare mål för teamet.", "Kompetensutveckling och en tydlig karriär."),
    ("Priorities that do not change every week.", "Autonomy to decide how we work."),
    ("Recognition when the team delivers 🎉", "Work with meaning and real impact."),
    ("A sustainable pace, the workload is too high.", "A mentor and time for training."),
    ("Mer återkoppling och beröm när det går bra.", "Frihet att experimentera med nya idéer."),
    ("Clear goals and direction from leadership.", "Growth into architecture work."),
    ("Time to focus, fewer interruptions.", "Ownership of the customer experience."),
    ("Better tools for testing.", "Development budget for courses and conferences."),
    ("Mindre stress och en rimlig arbetsbelastning.", "Att lära mig nya saker varje månad 🚀"),
    ("Honest feedback and praise for good work.", "Freedom to own our roadmap."),
    ("Clarity on priorities between the two projects.", "A team where everyone keeps learning."),
    ("", "Purpose: work that helps our customers."),
    ("Information about decisions before they are final.", ""),
    # -- written for issue 19: more voices, a third in Swedish, one-word and long answers
    (
        "Clear priorities every Monday, not new ones every Friday.",
        "To lead a small group with real impact within two years.",
    ),
    (
        "Tydliga prioriteringar och färre brandkårsutryckningar.",
        "Att gå en ledarskapsutbildning nästa år.",
    ),
    ("Less overtime in December 🎄", "A mentor outside our department."),
    ("Mindre övertid under högsäsongen.", "Mer ansvar och egna kunder."),
    ("Feedback.", "Growth."),
    ("Återkoppling.", "Utveckling."),
    (
        "Honestly, what I need most is a clear picture of where we are heading. Over the last "
        "three months the priorities changed four times, and every change meant throwing away "
        "work we had almost finished. I would also like feedback that is more than a thumbs up "
        "in the chat: tell me what was good and what I should do differently next time. And "
        "please protect our focus time on Tuesdays and Thursdays, the calendar is full of "
        "meetings that could have been an email.",
        "In a few years I want to be the person others come to for advice on our warehouse "
        "system. That means training, a mentor who has done it before, and the chance to run a "
        "real project from start to finish instead of only fixing other people's bugs.",
    ),
    (
        "Jag behöver tydligare mål och en rimlig arbetsbelastning. Just nu jobbar vi över "
        "nästan varje vecka och det märks på stämningen i gruppen. Det skulle också hjälpa med "
        "bättre verktyg för planeringen, vi sitter fortfarande med kalkylblad som ingen riktigt "
        "förstår. Och återkoppling från dig, gärna på veckomötet, inte bara när något har gått "
        "fel.",
        "Att jag om två år har utvecklats till en trygg specialist inom lager och logistik, med "
        "kompetensutveckling varje år och möjlighet att prova nya arbetssätt utan att behöva be "
        "om lov för varje liten förändring.",
    ),
    ("Better equipment for the night shift 🔦", "Working days instead of nights."),
    ("Fungerande truckar och bättre utrustning.", "Fast schema på dagtid 🙏"),
    ("A salary that keeps up with the market.", "A career path into planning."),
    ("Lön som följer marknaden.", "Karriärvägar inom företaget."),
    ("Recognition when we hit the target 🎯", "Autonomy to plan our own week."),
    ("Beröm när vi når målen.", "Frihet att planera veckan själva."),
    (
        "Time to learn the new WMS before it goes live in March.",
        "Becoming a certified trainer 🧑‍🏫",
    ),
    ("Tid att lära mig det nya systemet före januari.", "Att bli certifierad utbildare."),
    ("Fewer interruptions so I can focus 🙉", "Work with purpose, not just numbers."),
    ("Arbetsro och fokus.", "Ett jobb med mening."),
    ("Flexibility to work from home on Fridays.", "A healthy balance between work and family."),
    ("Flexibla arbetstider och möjlighet till distansarbete.", "Balans mellan jobb och fritid."),
    (
        "Updates on the reorganisation before the rumours start.",
        "A say in the decisions that affect our team.",
    ),
    (
        "Information om omorganisationen i tid.",
        "Att få vara med och besluta om vår egen arbetsplats.",
    ),
    ("Clearer goals for Q2 💪", "Developing into a team lead."),
    (
        "More hands on the floor during peak season; we are always two people short.",
        "Less stress and more joy at work 😊",
    ),
    (
        "Fler kollegor under topparna, vi är alltid två för få.",
        "Mindre stress och mer glädje på jobbet 😊",
    ),
]

_PEERS = [
    ("Better collaboration between our teams.", "Teams that work together without silos."),
    ("Earlier information about changes.", "One shared roadmap for both departments."),
    ("Bättre samarbete mellan avdelningarna.", "Att vi lyckas tillsammans som ett lag 🤝"),
    ("Transparency on budget decisions.", "Shared ownership of the platform."),
    ("Clear priorities so we can plan together.", "Collaboration that feels natural."),
    ("Regular updates in the leadership meeting.", "Innovation across team boundaries."),
    ("Mer öppenhet och kommunikation om beslut.", "Gemensamma mål för hela organisationen."),
    ("Help with resources when we are short.", "A culture of collaboration and trust."),
    ("Communication before announcing reorganisations.", "Teamwork on the big customer deals."),
    ("Clear goals for the joint project.", "Learning from each other's teams."),
    ("Faster decisions in shared forums.", "Experiment together with new ideas 💡"),
    ("Information flow between our groups.", "Cooperation instead of competition."),
    ("Samarbete kring kunderna och prioriteringar.", "Idéer som förbättrar hela företaget."),
    ("Transparent planning and fewer surprises.", "Teams that celebrate each other's wins."),
    ("Collaboration on hiring and onboarding.", "A shared purpose across departments."),
    ("Consistent communication to all teams.", "Working together on sustainability."),
    ("Support with tools we both depend on.", ""),
    ("Clarity about who decides what.", "Innovation days with other teams."),
    # -- written for issue 19
    ("One shared forecast for sales and operations.", "Sales and operations planning as one team."),
    ("En gemensam prognos för sälj och drift.", "Att vi planerar tillsammans som ett lag."),
    ("Weekly sync between our teams, 15 minutes is enough.", "Joint goals for both departments."),
    (
        "Veckomötet mellan avdelningarna borde vara kortare.",
        "Gemensamma mål och mindre revirtänkande.",
    ),
    ("Collaboration 🤝", "Trust between departments."),
    ("Samarbete.", "Förtroende."),
    (
        "When your team changes a delivery date, we hear about it from the customer, not from "
        "you. I need information at the same time as everyone else, ideally in the shared "
        "channel, and a named person I can call when something slips. Most of our conflicts "
        "this autumn came from surprises, not from disagreement.",
        "That in a year our two teams plan the quarter together, share one backlog for the "
        "customer projects and celebrate the releases together. We already like each other; "
        "we just need a way of working that makes collaboration the default instead of an "
        "exception.",
    ),
    (
        "Vi behöver bättre kommunikation mellan lagret och inköp. I dag får vi veta om stora "
        "order först när lastbilen står vid porten, och då blir det övertid för alla. Om vi "
        "fick se prognoserna en vecka innan skulle vi kunna bemanna rätt och slippa stressen.",
        "Att lager, inköp och kundtjänst sätter sig ner tillsammans en gång i månaden och går "
        "igenom vad som gick bra och vad vi kan förbättra. Jag drömmer om en arbetsplats där "
        "man hjälper varandra över gränserna utan att någon behöver fråga chefen först.",
    ),
    ("Transparency about budget cuts.", "Shared tools instead of three different systems."),
    ("Öppenhet kring budgeten.", "Samma verktyg i hela företaget."),
    ("Faster decisions on shared resources.", "Innovation across departments 💡"),
    ("Snabbare beslut om gemensamma resurser.", "Innovation över avdelningsgränserna 💡"),
    (
        "Clear priorities when both teams need the same people.",
        "A joint improvement project with the warehouse.",
    ),
    (
        "Tydliga prioriteringar när vi delar på personalen.",
        "Ett gemensamt förbättringsprojekt med lagret.",
    ),
    ("Fewer meetings, better notes 📝", "Ideas from the floor taken seriously."),
    ("Färre möten och bättre protokoll.", "Att idéer från golvet tas på allvar."),
    (
        "Earlier updates on the product roadmap.",
        "Collaboration on the customer journey end to end.",
    ),
    (
        "Help with hiring for the new site in Borås.",
        "One company with one direction, not five departments.",
    ),
    ("Hjälp med rekryteringen till nya lagret i Borås.", "Ett företag, inte fem avdelningar."),
    ("A shared calendar for deliveries to the dock.", "Teamwork without blame 🙌"),
    ("En gemensam kalender för leveranserna till kajen.", "Lagarbete utan skuldbeläggning 🙌"),
    (
        "Communication before changes to the shift plan.",
        "Cross-training so we can cover for each other.",
    ),
    ("Kommunikation innan skiftschemat ändras.", "Att vi lär oss varandras jobb."),
    (
        "Clarity on who owns the customer returns.",
        "Autonomy for each site to solve problems locally.",
    ),
    ("Tydlighet kring vem som äger kundreturerna.", "Mandat att lösa problem lokalt."),
]

_MANAGERS = [
    ("Clear forecasts for the next quarter.", "A leader who grows other leaders."),
    ("Updates on risks before they become problems.", "The team owning the customer outcome."),
    ("Tydlig kommunikation uppåt om risker.", "Att teamet utvecklas till självgående."),
    ("Focus on the top three priorities.", "Growth in the team's capability."),
    ("Better forecasting of delivery dates.", "Innovation that customers notice."),
    ("Information in time for the board meeting.", "A strategy the whole team believes in."),
    ("Prioritera de viktigaste kunderna.", "Hållbar tillväxt och nöjda kunder."),
    ("Transparency on budget and headcount.", "Developing successors for key roles."),
    ("Clear direction on the platform migration.", "A team that learns fast 📈"),
    ("Regular communication on progress.", "Customers that recommend us."),
    ("Decisions documented and shared.", "Meaningful work with real impact."),
    ("Fewer escalations, clearer ownership.", "Leaders developing at every level."),
    ("Rapportering varje månad om målen.", "Ett lag som tar ansvar för helheten."),
    ("Forecasts I can rely on.", "The team growing without burning out."),
    ("Clarity on priorities for next year.", "A culture of learning."),
    ("Budget discipline and updates.", "Purpose that motivates the team."),
    ("Information about hiring needs early.", "Customer focus in every decision."),
    ("A realistic plan for the workload.", "Innovation and continuous improvement."),
    # -- written for issue 19
    (
        "Forecasts I can take to the board without rework.",
        "A team that runs without me for a month.",
    ),
    ("Prognoser jag kan lita på inför styrelsen.", "Ett lag som klarar sig utan mig i en månad."),
    ("Clear goals for each team lead by 15 January.", "Leaders who develop their own people."),
    (
        "Tydliga mål för varje arbetsledare före den femtonde januari.",
        "Ledare som utvecklar sina medarbetare.",
    ),
    ("Updates before I hear it from others.", "Growth without burnout."),
    ("Uppdateringar innan jag hör det från andra.", "Tillväxt utan utbrändhet."),
    ("Budget.", "Strategy."),
    ("Budgetdisciplin.", "Strategi."),
    (
        "I need the weekly report on Monday morning, not Wednesday, with the numbers for "
        "orders, deliveries and staffing on one page. When a big customer is at risk I want to "
        "know the same day. Right now I hear about delivery problems from the sales director, "
        "which puts both of us in a bad position. Please also bring me a realistic forecast "
        "for the peak in November and December, including overtime.",
        "I dream of a logistics unit that our customers mention as the reason they stay with "
        "us. That takes people who keep developing, a culture where mistakes are reported "
        "early, and a leader, you, who spends more time coaching the team leads than fighting "
        "fires.",
    ),
    (
        "Jag behöver en tydligare bild av leveransprecisionen per kund, varje vecka och utan "
        "att jag ska behöva fråga. När vi missar ett leveransbesked vill jag veta varför och "
        "vad ni gör åt det. Jag behöver också att du säger till i tid när bemanningen inte "
        "räcker, hellre i oktober än mitt i julruschen.",
        "Min dröm är att vår avdelning blir den som andra delar av koncernen kommer till för "
        "att lära sig. Att ni driver förbättringsprojekt själva, att medarbetarna växer och att "
        "kunderna märker skillnaden utan att vi behöver berätta det för dem.",
    ),
    ("Information about risks early.", "Customers that stay for ten years."),
    ("Information om risker i god tid.", "Kunder som stannar i tio år."),
    ("Focus on the three biggest customers.", "A culture of continuous improvement."),
    ("Fokus på de tre största kunderna.", "En kultur av ständiga förbättringar."),
    ("Decisions made at the right level.", "A successor ready within two years."),
    ("Beslut på rätt nivå.", "En efterträdare redo inom två år."),
    ("Transparency on overtime costs.", "A team known for keeping promises ✅"),
    ("Delivery dates that the customers can plan around.", "Sustainable growth in the region."),
    ("Leveranstider som kunderna kan planera efter.", "Hållbar tillväxt i regionen."),
    ("Clear ownership of each customer account.", "Coaching for every new team lead 🌱"),
    ("Tydligt ägarskap för varje kundkonto.", "Coachning för alla nya arbetsledare 🌱"),
    ("A realistic plan for the peak season in November.", "People who want to stay and grow here."),
    ("En realistisk plan för högsäsongen i november.", "Medarbetare som vill stanna och växa här."),
    ("Monthly reporting on the service goals.", "Innovation that saves our customers money."),
    ("Rapportering varje måndag om kundnöjdheten.", "Innovationer som sparar pengar åt kunderna."),
]

_INTERNAL_CUSTOMERS = [
    ("Faster delivery of the reports we order.", "A partner who understands our customers."),
    ("Clear communication about delays.", "Self-service tools for our analysts."),
    ("Snabbare leveranser och bättre information.", "Verktyg som gör jobbet enklare."),
    ("A single point of contact for requests.", "Working together on new customer offers."),
    ("Updates when priorities change.", "Collaboration from the start of projects."),
    ("Better tools for ticket tracking.", "Innovation in how we serve customers."),
    ("Information about release dates.", "Data we can trust for our decisions."),
    ("Tydliga prioriteringar för våra beställningar.", "Bättre samarbete med IT 🙏"),
    ("Predictable delivery of fixes.", "A shared roadmap with our department."),
    ("Transparency in how requests are prioritised.", "Customer insight shared openly."),
    ("Communication in plain language.", "Ideas from both sides turned into products."),
    ("Faster answers to support questions.", "Tools that save our team time."),
    ("Kommunikation om förändringar i systemen.", "Kunderna i centrum för alla beslut."),
    ("Priorities agreed with us, not for us.", "A partnership with real collaboration."),
    ("Delivery dates that hold.", "Experiments with new customer services."),
    ("Information about outages quickly ⚠️", "Better resources for self-service."),
    ("Clarity on who owns which system.", "Growth in our digital skills."),
    ("Reliable tools and fewer outages.", "Customers who notice the improvement."),
    # -- written for issue 19
    ("Delivery dates we can promise our customers.", "A logistics partner inside the company."),
    ("Leveransbesked vi kan lova kunderna.", "En intern partner som förstår affären."),
    ("Answers within 24 hours.", "A self-service portal for order status 🖥️"),
    ("Svar inom ett dygn.", "En kundportal där vi ser orderstatus."),
    ("Information.", "Transparency."),
    ("Öppenhet.", "Samarbete."),
    (
        "Our sales team promises delivery dates based on what the system says, and about one "
        "order in five then moves. I need delivery dates that hold, and when they do not, a "
        "message before the customer calls us, not after. It would also help to have one "
        "contact person in logistics instead of an inbox that nobody seems to read.",
        "A planning meeting every other week where sales, customer service and logistics look "
        "at the same forecast and agree on what we can promise. I would love for our customers "
        "to say that we are easy to deal with, and for my team to stop apologising for things "
        "we could have seen coming.",
    ),
    (
        "Vi på kundtjänst behöver få veta om förseningar innan kunderna ringer. Just nu får vi "
        "ofta höra det från kunden själv och då ser vi inte kloka ut. Ett enkelt mejl eller ett "
        "meddelande i chatten räcker, bara det kommer i tid. Vi behöver också tydliga "
        "leveranstider på hemsidan som stämmer med verkligheten.",
        "Att vi kan lösa kundens problem direkt i första samtalet eftersom vi har tillgång "
        "till samma information som lagret. Jag drömmer om ett samarbete där vi ses som en del "
        "av samma lag och inte som de som bara klagar.",
    ),
    ("Clear cut-off times for same-day orders.", "Tools that show stock in real time."),
    ("Tydliga brytpunkter för beställningar samma dag.", "Verktyg som visar lagersaldot direkt."),
    ("Updates when an order is delayed.", "Fewer manual steps between our systems."),
    ("Uppdateringar när en order blir försenad.", "Färre manuella steg mellan systemen."),
    ("Priorities agreed every Monday.", "Customers who order again 🛒"),
    ("Prioriteringar som vi kommer överens om varje måndag.", "Kunder som beställer igen 🛒"),
    ("Communication in plain Swedish, please.", "A shared dashboard with the numbers that matter."),
    ("Kommunikation på begriplig svenska.", "En gemensam översikt med siffrorna som spelar roll."),
    ("Faster handling of returns.", "Better tools for our customer service."),
    ("Snabbare hantering av returer.", "Bättre verktyg för kundtjänsten."),
    ("A contact person for each key account.", "Working together on the customer offer."),
    ("En kontaktperson per nyckelkund.", "Att vi tar fram kunderbjudandet tillsammans."),
    ("Clarity on what counts as urgent.", "Innovation in how we pack and ship 📦"),
    (
        "Reliable delivery of spare parts to the service technicians.",
        "Resources for a proper customer portal.",
    ),
    (
        "Säkra leveranser av reservdelar till servicetekniker.",
        "Resurser till en riktig kundportal.",
    ),
    ("Better information on the invoice.", "One shared view of the customer 👀"),
    ("Tydligare information på fakturan.", "En gemensam bild av kunden 👀"),
]

_EXTERNAL_CUSTOMERS = [
    ("Faster answers from customer support.", "A supplier that feels like a partner."),
    ("Clear pricing and invoices.", "Products that solve our customers' problems."),
    ("Snabbare svar och tydliga fakturor.", "En partner som förstår vår verksamhet."),
    ("Reliable delivery on the promised date.", "Innovation we can use in our own products."),
    ("Information about roadmap changes.", "Long-term collaboration on new features."),
    ("Better documentation for the API.", "Sustainable products with a smaller footprint 🌱"),
    ("Transparent communication about incidents.", "A customer community to share ideas."),
    ("Leverans i tid och bättre kommunikation.", "Hållbarhet i hela leverantörskedjan."),
    ("A named contact who knows our account.", "Growth together as partners."),
    ("Invoices that match the contract.", "Tools that make our staff more productive."),
    ("Updates on bug fixes we reported.", "Customer input into the roadmap."),
    ("Fewer outages during business hours.", "Improvement every release."),
    ("Kundservice som svarar samma dag.", "Nya idéer för våra kunder ✨"),
    ("Training material for new users.", "A partnership built on trust."),
    ("Honest communication when something breaks.", "Products our customers love."),
    ("Clear terms and predictable pricing.", "Collaboration on sustainability goals."),
    ("Fast delivery of replacement parts.", "Shared innovation workshops."),
    ("Support that understands customers.", "مرحبا — growth for both companies."),
    # -- written for issue 19
    ("Delivery dates we can trust.", "A partner who thinks ahead for us."),
    ("Leveransbesked som håller.", "En leverantör som tänker framåt åt oss."),
    ("Gemensam prognos.", "Långsiktigt samarbete 🤝"),
    ("Shorter delivery times.", "Faster innovation in packaging."),
    ("Kortare leveranstider.", "Snabbare innovation i förpackningarna."),
    ("Invoices without errors.", "Sustainability data for our reports 🌍"),
    ("Fakturor utan fel.", "Hållbarhetsdata till våra rapporter 🌍"),
    ("Communication!", "Partnership."),
    ("Kommunikation!", "Partnerskap."),
    (
        "Three times this autumn a pallet arrived a day late without anyone telling us, and "
        "each time our production line stood still for hours. We do not expect perfection, "
        "but we need to know as soon as you know. A message with a new delivery time, a "
        "contact who answers the phone, and an invoice that matches the delivery note would "
        "solve most of our problems.",
        "We would like to plan next year together with you: share our forecast, agree on stock "
        "levels in your warehouse and review the figures every quarter. If that works, we "
        "would happily move more of our volume to you and talk about a longer contract.",
    ),
    (
        "Vi behöver leveransbesked samma dag som vi lägger ordern, inte tre dagar senare. När "
        "en leverans blir försenad vill vi få veta det direkt, helst med ett nytt datum som "
        "håller. Fakturorna behöver också stämma med följesedlarna, annars fastnar de hos vår "
        "ekonomiavdelning i veckor.",
        "Att vi kan se lagersaldo och leveranstider i er portal och beställa själva dygnet "
        "runt. På sikt vill vi ha ett gemensamt förbättringsprojekt kring returer och "
        "förpackningar, så att vi båda minskar vårt avfall.",
    ),
    ("Clear prices before we order.", "A customer portal that works on mobile 📱"),
    ("Tydliga priser innan vi beställer.", "En kundportal som fungerar i mobilen 📱"),
    ("Updates on our open tickets every week.", "Joint improvement projects."),
    ("Uppdateringar om våra ärenden varje vecka.", "Gemensamma förbättringsprojekt."),
    ("Fewer damaged goods 📦", "Greener transport options."),
    ("Färre skadade varor.", "Grönare transporter."),
    (
        "A single invoice per month, not per delivery.",
        "Products that help us meet our climate goals.",
    ),
    ("Someone who answers the phone before nine.", "Training for our staff on your system."),
    ("Någon som svarar i telefon före nio.", "Utbildning för vår personal i ert system."),
    ("Transparent pricing.", "Innovation in how you deliver to small customers."),
    ("Communication about price changes in time.", "A supplier that helps us grow 🚀"),
    ("Besked om prisändringar i god tid.", "En leverantör som hjälper oss att växa 🚀"),
    ("Reliable deliveries before Christmas.", "Customers of ours who notice your quality."),
    ("Säkra leveranser före jul.", "Att våra kunder märker er kvalitet."),
]

_SUPPLIERS = [
    ("Accurate forecasts of order volumes.", "A long-term partnership with shared goals."),
    ("Payment on time, within 30 days.", "Collaboration on product development."),
    ("Betalning i tid och tydliga prognoser.", "Ett långsiktigt samarbete."),
    ("Orders placed earlier with stable forecasts.", "Innovation projects with your engineers."),
    ("Clear specifications before ordering.", "Sustainability goals we reach together."),
    ("Invoices approved without delays.", "Growth for both companies."),
    ("Forecasts shared every month.", "Working together on quality improvement."),
    ("Snabbare beslut om beställningar.", "Hållbara leveranser och gemensam utveckling."),
    ("A single contact for orders and payments.", "Ideas from suppliers taken seriously 💬"),
    ("Fewer last-minute order changes.", "Transparent collaboration on costs."),
    ("Payment terms that are respected.", "A partner that values our expertise."),
    ("Communication about demand changes.", "Joint experiments with new materials."),
    ("Prognoser vi kan lita på.", "Innovation tillsammans med kunden."),
    ("Forecast accuracy and early warnings.", "Recognition as a strategic partner."),
    ("Clear delivery windows.", "Sharing our sustainability data openly."),
    ("Payments that arrive as agreed.", "Collaboration on the next product generation."),
    ("Information about volume changes early.", "Improvement programs run together."),
    ("Predictable orders, fewer rush deliveries.", "Growth with a fair partner 😊 Грузовик"),
    # -- written for issue 19
    ("Forecasts at least four weeks ahead.", "A long-term contract with shared goals."),
    ("Prognoser minst fyra veckor framåt.", "Ett långsiktigt avtal med gemensamma mål."),
    ("Shorter loading times at your dock.", "Fewer waiting hours for our drivers 🚚"),
    ("Kortare lastningstider vid er kaj.", "Färre väntetimmar för våra chaufförer 🚚"),
    ("Payment within 30 days.", "Growth together."),
    ("Betalning inom trettio dagar.", "Tillväxt tillsammans."),
    ("Forecasts.", "Partnership 🤝"),
    ("Prognoser.", "Samarbete 🤝"),
    (
        "Our trucks wait an average of ninety minutes at your gate, sometimes three hours on "
        "Mondays. Those waiting hours cost us money and drivers, and we cannot bill them to "
        "anyone. We need fixed loading slots that you keep, a phone number that someone "
        "answers at the dock, and orders that do not change after we have planned the route.",
        "We would like to grow with you. If we could see your sales forecast for the next "
        "quarter, we could hire drivers in time and invest in electric trucks for your city "
        "deliveries. We dream of a partnership where we solve problems together instead of "
        "sending each other penalty invoices.",
    ),
    (
        "Vi behöver tydligare beställningar och stabila prognoser. När ordern ändras på fredag "
        "eftermiddag för leverans på måndag blir det övertid för hela vårt lager. Betalningen "
        "kommer dessutom ofta sent, i snitt efter femtio dagar fast avtalet säger trettio. Och "
        "vi vill ha en fast kontaktperson hos er som svarar i telefon även på fredagar.",
        "Att vi blir en riktig partner och inte bara en leverantör bland andra. Vi vill vara "
        "med tidigt i era förbättringsprojekt och dela data om transporter och utsläpp, så att "
        "vi tillsammans kan minska klimatpåverkan.",
    ),
    ("Orders placed before Thursday noon.", "Joint planning for the summer peak."),
    ("Beställningar före torsdag lunch.", "Gemensam planering inför sommaren."),
    ("Invoices paid on time 💶", "Ideas from us taken into your new products."),
    ("Fakturor som betalas i tid 💶", "Att våra idéer tas med när ni tar fram nya produkter."),
    ("Drawings and specifications before ordering.", "Innovation together with your engineers."),
    ("Tydliga specifikationer innan beställning.", "Innovation tillsammans med era ingenjörer."),
    ("A single contact for orders and complaints.", "Recognition for the extra mile we go."),
    ("En kontaktperson för order och reklamationer.", "Erkännande när vi ställer upp extra."),
    ("Communication about changes in volume.", "A fair share of your growth."),
    ("Kommunikation om volymförändringar.", "En rättvis del av er tillväxt."),
    ("Stable forecasts, fewer rush orders ⚡", "Sustainable transport together."),
    ("Waiting times under one hour at the terminal.", "Electric trucks on your routes by 2028."),
    ("Väntetider under en timme vid terminalen.", "Eldrivna lastbilar på era rutter till 2028."),
    ("Payment terms that are respected.", "Long-term collaboration on packaging."),
    ("Betalningsvillkor som respekteras.", "Långsiktigt samarbete kring förpackningar."),
]

_OTHERS = [
    # HR partner, union and safety representatives, consultants, temps, cleaning staff, auditors
    (
        "Clear information about the reorganisation for everyone, temps too.",
        "A workplace where temps are treated like colleagues.",
    ),
    (
        "Tydlig information om omorganisationen till alla, även inhyrda.",
        "En arbetsplats där inhyrda behandlas som kollegor.",
    ),
    ("Safety first on the loading dock ⚠️", "Zero accidents this year."),
    ("Säkerheten först vid lastkajen ⚠️", "Noll olyckor i år."),
    ("Wellbeing.", "Purpose."),
    ("Välmående.", "Mening."),
    (
        "As your HR partner I need you to hold the performance reviews on time this year; last "
        "spring a third of the team had none. I also need earlier information when you plan "
        "changes to roles or shifts, so that we can involve the union in time and avoid the "
        "conflict we had in September. And please use the wellbeing survey results in your "
        "team meeting, people notice when nothing happens.",
        "I would love to see your department become the place people ask to transfer to. That "
        "means leaders who give feedback every week, a sustainable workload, and a culture "
        "where mistakes are discussed openly instead of hidden.",
    ),
    (
        "Som facklig företrädare behöver jag få information om schemaändringar minst två "
        "veckor innan, så som avtalet säger. Flera medlemmar har hört av sig om övertiden i "
        "december och om raster som ställs in när det är mycket att göra. Vi behöver också en "
        "ordentlig genomgång av arbetsmiljön på lagret före sommaren.",
        "Ett samarbete där facket är med från början och inte bara informeras i efterhand. Att "
        "alla på lagret har en rimlig arbetsbelastning, trygga anställningar och möjlighet "
        "till kompetensutveckling, oavsett om de är fast anställda eller inhyrda.",
    ),
    ("Transparency on how temps are scheduled.", "Fair treatment for everyone 🤝"),
    ("Öppenhet kring hur inhyrda schemaläggs.", "Rättvis behandling för alla 🤝"),
    ("Better communication with the cleaning staff.", "A healthy workplace 🌿"),
    ("Bättre kommunikation med städpersonalen.", "En hälsosam arbetsplats 🌿"),
    ("Clear goals for the consultants.", "Collaboration that outlasts the project."),
    ("Tydliga mål för konsulterna.", "Ett samarbete som håller efter projektet."),
    ("Balance between speed and safety.", "Meaningful work for everyone on the floor."),
    ("Balans mellan tempo och säkerhet.", "Meningsfulla arbetsuppgifter för alla på golvet."),
    ("Health checks twice a year.", "Flexibility for parents 👨‍👧"),
    ("Hälsokontroller två gånger om året.", "Flexibilitet för småbarnsföräldrar 👨‍👧"),
    ("Information in English and Swedish.", "An inclusive workplace for every language 🌍"),
    ("Information på flera språk.", "En inkluderande arbetsplats 🌍"),
    ("Budget for safety equipment.", "A workplace where people stay, learn and grow for years."),
    ("Budget för skyddsutrustning.", "En arbetsplats där folk stannar i många år."),
    ("Feedback on our audit findings within a month.", "Sustainability in everything you do."),
    ("Återkoppling på revisionens iakttagelser inom en månad.", "Hållbarhet i allt ni gör."),
    ("Respect for our breaks.", "A team spirit across companies."),
    ("Respekt för våra raster.", "Laganda över företagsgränserna."),
    ("Training in the new safety rules.", "Growth opportunities for temps too."),
    ("Utbildning i de nya säkerhetsreglerna.", "Utvecklingsmöjligheter även för inhyrda."),
    ("A clear escalation path for safety issues.", "Leaders who listen 👂"),
    ("En tydlig väg för att lyfta säkerhetsfrågor.", "Ledare som lyssnar 👂"),
    ("Earlier notice of shift changes.", "Stable jobs instead of short contracts."),
    ("Tidigare besked om skiftbyten.", "Fasta jobb i stället för korta kontrakt."),
    ("Mentoring for new hires 🌱", "Real impact on the local community."),
    (
        "Communication that reaches the night shift.",
        "Wellbeing that is more than a fruit basket 🍎",
    ),
    ("Kommunikation som når nattskiftet.", "Välmående som är mer än en fruktkorg 🍎"),
    ("Ventilation in the packing hall.", "A warehouse people are proud of."),
    ("Ventilation i packhallen.", "Ett lager som folk är stolta över."),
    ("Feedback.", "Respect."),
    ("Erkännande.", "Respekt."),
    ("Clear roles between HR and line managers.", "Purpose that people can feel every day."),
    ("Tydliga roller mellan HR och chefer.", "Ett syfte som märks i vardagen."),
    ("Healthier working hours in the peak season 🕐", "Sustainable growth for the whole site."),
    ("Friskvårdsbidrag för alla.", "Hållbar utveckling på hela arbetsplatsen."),
]

_BY_RELATIONSHIP = {
    "direct_report": _DIRECT_REPORTS,
    "peer": _PEERS,
    "manager": _MANAGERS,
    "internal_customer": _INTERNAL_CUSTOMERS,
    "external_customer": _EXTERNAL_CUSTOMERS,
    "supplier": _SUPPLIERS,
    "other": _OTHERS,
}

CORPUS: list[Answer] = [
    Answer(f"{relationship}-{i:02d}", relationship, needs, dreams)
    for relationship, answers in _BY_RELATIONSHIP.items()
    for i, (needs, dreams) in enumerate(answers)
]
