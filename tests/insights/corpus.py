"""A test corpus of needs and dreams about one leader, written for the tests: 108 respondents,
18 of every stakeholder type, 216 answers (some Swedish, some with emoji, one Arabic, one
mixed-script). Fictional; any likeness to real answers is by theme only."""

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
]

_BY_RELATIONSHIP = {
    "direct_report": _DIRECT_REPORTS,
    "peer": _PEERS,
    "manager": _MANAGERS,
    "internal_customer": _INTERNAL_CUSTOMERS,
    "external_customer": _EXTERNAL_CUSTOMERS,
    "supplier": _SUPPLIERS,
}

CORPUS: list[Answer] = [
    Answer(f"{relationship}-{i:02d}", relationship, needs, dreams)
    for relationship, answers in _BY_RELATIONSHIP.items()
    for i, (needs, dreams) in enumerate(answers)
]
