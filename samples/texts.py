"""The texts of the Alliance 8.7 sample consultation (fictional, written for redraft).

Each draft is a list of blocks, in reading order:

- ``("title", text)``: the document title (style "Title");
- ``("h1", text)`` / ``("h2", text)``: headings, with their number typed in the text;
- ``("p", text)``: a body paragraph (style "Normal");
- ``("bullets", [item, ...])``: one paragraph per item (style "List Bullet");
- ``("table", [header_row, row, ...])``: a table, first row in bold.

A paragraph or an item is a string, or a tuple ``(bold_lead, rest)`` written as two runs:
the first in bold. The quoted texts that reviewers change (see ``build.py``) must occur
exactly once in their draft: ``build.py`` refuses to build otherwise.
"""

from __future__ import annotations

TOR_TITLE = "Terms of Reference of Alliance 8.7"
GUIDANCE_TITLE = "Pathfinder guidance note"

TOR: list[tuple] = [
    ("title", TOR_TITLE),
    ("p", "Draft for consultation with the Global Coordinating Group. Version 1, 16 July 2018."),
    # -- 1 -------------------------------------------------------------------------------
    ("h1", "1. Purpose"),
    ("h2", "1.1 Background"),
    ("p", "In September 2015, the United Nations General Assembly adopted the 2030 Agenda for "
          "Sustainable Development. Target 8.7 of the Sustainable Development Goals calls on all "
          "States to take immediate and effective measures to eradicate forced labour, end modern "
          "slavery and human trafficking and secure the prohibition and elimination of the worst "
          "forms of child labour, including recruitment and use of child soldiers, and by 2025 end "
          "child labour in all its forms."),
    ("p", "The scale of the challenge is considerable. The global estimates published in 2017 "
          "indicate that some 40 million people were in modern slavery on any given day in 2016, "
          "and that 152 million children were in child labour, almost half of them in hazardous "
          "work. Progress has been made, but at the current pace the targets set for 2025 and "
          "2030 will not be met without a significant acceleration of efforts."),
    ("p", "Alliance 8.7 was launched in September 2016 as a global partnership to help States and "
          "other actors achieve this target. It brings together governments, workers' and "
          "employers' organisations, United Nations agencies and other international and regional "
          "organisations, civil society organisations, academic institutions and other "
          "stakeholders who are committed to working together, sharing knowledge and mobilising "
          "resources towards a common goal."),
    ("p", "These Terms of Reference set out how the Alliance is governed. They describe the "
          "membership and functions of the Global Coordinating Group (GCG), the way in which it "
          "takes decisions, the role of the Secretariat, and the arrangements under which "
          "countries may become pathfinder countries. They replace the interim working "
          "arrangements agreed at the launch of the Alliance."),
    ("h2", "1.2 Objectives"),
    ("p", "The Alliance pursues four strategic objectives, which guide the work of all its members "
          "and of the bodies established under these Terms of Reference:"),
    ("bullets", [
        ("Accelerating action", ": to speed up progress towards target 8.7 by supporting "
                                "countries that commit to going further and faster;"),
        ("Conducting research and sharing knowledge", ": to strengthen the evidence base on what "
                                                      "works, and to make data and good practice "
                                                      "available to all;"),
        ("Driving innovation", ": to encourage new approaches, partnerships and technologies "
                               "that can be taken to scale;"),
        ("Increasing and leveraging resources", ": to mobilise financial and technical resources "
                                                "and to use existing resources more effectively."),
    ]),
    ("h2", "1.3 Guiding principles"),
    ("p", "In carrying out their work, the Alliance and its members shall be guided by the "
          "following principles:"),
    ("bullets", [
        "respect for human rights, including the fundamental principles and rights at work;",
        "national ownership of policies and programmes, with the State bearing the primary "
        "responsibility for their implementation;",
        "social dialogue and the meaningful participation of workers' and employers' "
        "organisations;",
        "the participation of survivors and of people at risk, whose experience should inform "
        "the design of responses;",
        "transparency and accountability towards members and the public;",
        "complementarity with existing mechanisms, avoiding the duplication of efforts.",
    ]),
    ("p", "The Alliance is not a funding body and does not replace the mandates of its members. "
          "It adds value by bringing actors together around shared priorities, by making their "
          "efforts more coherent and by giving visibility to the commitments that countries and "
          "organisations make."),
    ("h2", "1.4 Definitions"),
    ("p", "In these Terms of Reference, unless the context requires otherwise:"),
    ("bullets", [
        ("Alliance", " means Alliance 8.7, the global partnership established to achieve "
                     "target 8.7 of the Sustainable Development Goals;"),
        ("member", " means an entity that has endorsed target 8.7 and the guiding principles of "
                   "the Alliance in accordance with section 2.1;"),
        ("constituency", " means one of the groups of members listed in the table in section "
                         "2.2;"),
        ("pathfinder country", " means a country recognised as such by the GCG under section 6;"),
        ("action group", " means a group of members established by the GCG under section 7 to "
                         "work on a specific issue."),
    ]),
    # -- 2 -------------------------------------------------------------------------------
    ("h1", "2. Membership"),
    ("h2", "2.1 Eligibility"),
    ("p", "Membership of the Alliance is open to any State, intergovernmental organisation, "
          "workers' or employers' organisation, civil society organisation, research institution "
          "or other entity that endorses target 8.7 and the guiding principles set out in these "
          "Terms of Reference. Entities wishing to join the Alliance shall send a letter of "
          "endorsement to the Secretariat, signed at an appropriate level of authority."),
    ("p", "The Secretariat shall acknowledge each letter of endorsement and inform the GCG of new "
          "members at its next regular meeting. Where there is doubt as to whether an applicant "
          "meets the conditions of membership, the Secretariat shall refer the matter to the GCG, "
          "which shall decide after giving the applicant an opportunity to be heard."),
    ("p", "Membership does not create legal obligations, and it does not imply any financial "
          "contribution. Members are expected, however, to share information about their "
          "relevant activities, to take part in the work of at least one action group and to "
          "respond to consultations of the Global Coordinating Group."),
    ("p", "Business enterprises may take part in the work of the Alliance through the employers' "
          "organisations of which they are members, or directly in the action groups, on the "
          "conditions set by the GCG. Their participation shall not give rise to any endorsement "
          "of their products, services or practices by the Alliance."),
    ("p", "The Secretariat shall keep an up-to-date list of members and publish it on the website "
          "of the Alliance. A member may withdraw at any time by written notice to the "
          "Secretariat."),
    ("h2", "2.2 Composition of the Global Coordinating Group"),
    ("p", "The Global Coordinating Group is the governing body of the Alliance. It is composed of "
          "representatives of the constituencies listed in the table below. Each constituency "
          "selects its own representatives through a procedure that it determines, and informs "
          "the Secretariat of the outcome in writing."),
    ("table", [
        ["Constituency", "Seats", "How representatives are selected"],
        ["Governments", "8", "Two for each region listed in the annex, selected by the "
                             "governments of the region"],
        ["Workers' organisations", "2", "Designated by the International Trade Union "
                                        "Confederation"],
        ["Employers' organisations", "2", "Designated by the International Organisation of "
                                          "Employers"],
        ["United Nations agencies", "4", "ILO, IOM, UNICEF and UNODC, each designating its "
                                         "representative"],
        ["Civil society organisations", "3", "Elected by the civil-society members of the "
                                             "Alliance (section 2.4)"],
        ["Regional organisations", "2", "Designated by the regional organisations that are "
                                        "members of the Alliance"],
        ["Total", "21", ""],
    ]),
    ("p", "Each member of the GCG may designate one alternate, who may attend meetings and take "
          "part in the discussions when the principal representative is absent. Members of the "
          "GCG shall make every effort to ensure that the representatives they designate reflect "
          "a balance between women and men."),
    ("h2", "2.3 Rotation of membership"),
    ("p", "Representatives of governments, civil society organisations and regional organisations "
          "shall serve for a term of three years. A representative may be selected for a second "
          "consecutive term, but for no more than two consecutive terms in total."),
    ("p", "In order to ensure continuity, the terms of approximately half of the seats in each of "
          "these constituencies shall expire in alternate years. At the first meeting after the "
          "adoption of these Terms of Reference, the GCG shall determine by lot which seats will "
          "have a shortened initial term."),
    ("p", "Seats of the United Nations agencies, workers' organisations and employers' "
          "organisations are not subject to rotation. These constituencies may, however, replace "
          "their representatives at any time by notifying the Secretariat."),
    ("p", "When a seat becomes vacant before the end of a term, the constituency concerned shall "
          "select a replacement to serve for the remainder of that term."),
    ("h2", "2.4 Civil-society seats"),
    ("p", "The three civil-society seats are intended to reflect the diversity of organisations "
          "working against child labour, forced labour, modern slavery and human trafficking. At "
          "least one seat shall be held by an organisation based in a low- or middle-income "
          "country, and at least one by an organisation that works directly with survivors."),
    ("p", "Civil-society representatives shall be elected by the civil-society members of the "
          "Alliance through an online vote organised by the Secretariat. The call for candidates "
          "shall be published at least six weeks before the vote. Each candidate organisation "
          "shall submit a short statement of its experience and of how it will consult the wider "
          "civil-society membership."),
    ("p", "Civil-society representatives act on behalf of the whole civil-society constituency "
          "and not only their own organisation. They shall hold at least one consultation with "
          "civil-society members before each meeting of the GCG and report back on its outcome."),
    ("p", "If no eligible candidate stands for one of the seats reserved under the first "
          "paragraph of this section, the seat shall be filled by the candidate with the next "
          "highest number of votes, and a new call for candidates for the reserved seat shall be "
          "issued one year later."),
    ("p", "Survivor-led organisations are encouraged to stand for election. The Secretariat shall "
          "cover the reasonable travel costs of civil-society representatives who would otherwise "
          "be unable to attend meetings."),
    ("h2", "2.5 Observers"),
    ("p", "The GCG may invite other organisations, experts or representatives of pathfinder "
          "countries to attend its meetings as observers, either for a particular item of the "
          "agenda or for a whole meeting. Observers may speak at the invitation of the Chair but "
          "do not take part in decisions."),
    ("p", "Organisations that are not members of the Alliance but that contribute to its work, "
          "such as foundations and academic networks, may be granted the status of permanent "
          "observer by the GCG. The list of permanent observers shall be reviewed at the end of "
          "each work plan period."),
    # -- 3 -------------------------------------------------------------------------------
    ("h1", "3. Role and scope of the Global Coordinating Group"),
    ("h2", "3.1 Functions"),
    ("p", "The GCG provides strategic direction to the Alliance. In particular, it shall:"),
    ("bullets", [
        "adopt the strategy and the biennial work plan of the Alliance;",
        "decide on applications from countries wishing to become pathfinder countries;",
        "establish action groups and approve their terms of reference;",
        "review the progress reports of pathfinder countries and of the action groups;",
        "guide the Secretariat in mobilising resources and in communicating on behalf of the "
        "Alliance;",
        "adopt the annual budget of the Secretariat and take note of its financial report;",
        "adopt and amend these Terms of Reference.",
    ]),
    ("h2", "3.2 Decision-making"),
    ("p", "The GCG shall make every effort to reach its decisions by consensus. Consensus is "
          "understood as the absence of a formal objection by any member present at the meeting. "
          "Where consensus cannot be reached after reasonable efforts, the Chair may defer the "
          "matter to a later meeting or propose that it be decided by a two-thirds majority of "
          "the members present."),
    ("p", "Between meetings, the GCG may take decisions by written procedure. The Secretariat "
          "shall circulate the proposed decision, with supporting documents, to all members of "
          "the GCG. The decision shall be adopted if no member objects within ten working days of "
          "its circulation."),
    ("p", "Decisions of the GCG shall be recorded in writing and communicated to all members of "
          "the Alliance within one month."),
    ("h2", "3.3 Scope and limits of decisions"),
    ("p", "Decisions of the GCG are binding on the bodies of the Alliance, including the action "
          "groups and the Secretariat, in so far as they concern the work of the Alliance. They "
          "are not binding on individual members, and they do not affect the mandates, policies "
          "or governing bodies of the organisations that take part in the Alliance."),
    ("p", "The GCG shall not take positions on the situation of individual countries, except in "
          "relation to applications for pathfinder status and to the review of the progress "
          "reports of pathfinder countries. Public statements on behalf of the Alliance require "
          "the prior approval of the Chair and the co-chair."),
    ("p", "Nothing in these Terms of Reference shall be interpreted as limiting the right of any "
          "member to express its own views, including in public, on matters discussed by the "
          "GCG."),
    ("h2", "3.4 Relations with other initiatives"),
    ("p", "The GCG shall seek complementarity with other global and regional initiatives against "
          "child labour, forced labour, modern slavery and human trafficking, including the "
          "Inter-Agency Coordination Group against Trafficking in Persons. It may invite the "
          "representatives of such initiatives to its meetings and agree with them on joint "
          "activities."),
    ("p", "The Alliance contributes to the follow-up and review of the 2030 Agenda, in "
          "particular by preparing inputs to the High-level Political Forum on Sustainable "
          "Development when it reviews Sustainable Development Goal 8. The GCG shall approve such "
          "inputs before they are submitted."),
    # -- 4 -------------------------------------------------------------------------------
    ("h1", "4. Meetings"),
    ("h2", "4.1 Chair and co-chair"),
    ("p", "The GCG shall elect a Chair and a co-chair from among its members for a period of two "
          "years. The Chair and the co-chair shall come from different constituencies and, as "
          "far as possible, from different regions."),
    ("p", "The Chair presides over the meetings of the GCG, represents the Alliance at high-level "
          "events and, together with the Secretariat, prepares the agenda of each meeting. The "
          "co-chair replaces the Chair when the latter is unable to act."),
    ("p", "The election of the Chair and the co-chair shall take place at the last meeting of the "
          "year preceding the start of their period of office. Candidates shall be nominated by "
          "their constituencies and shall be announced to the members at least four weeks before "
          "the election."),
    ("h2", "4.2 Frequency of meetings"),
    ("p", "The GCG shall meet twice a year, normally in the first and in the last quarter of the "
          "year. Meetings are held in person, and members may take part by video link when they "
          "are unable to travel."),
    ("p", "An extraordinary meeting may be convened by the Chair on his or her own initiative or "
          "at the request of at least one third of the members of the GCG."),
    ("h2", "4.3 Agenda and documents"),
    ("p", "The provisional agenda shall be circulated to the members at least four weeks before a "
          "regular meeting. Members may propose additional items up to two weeks before the "
          "meeting. Documents for decision shall be circulated no later than ten days before the "
          "meeting."),
    ("p", "Meetings shall be held in English. Interpretation into French and Spanish shall be "
          "provided subject to the availability of resources."),
    ("h2", "4.4 Quorum"),
    ("p", "A quorum is constituted when at least half of the members of the GCG are present, "
          "including representatives of at least four constituencies."),
    ("h2", "4.5 Reports of meetings"),
    ("p", "The Secretariat shall prepare a summary report of each meeting, listing the decisions "
          "taken and the actions agreed. The draft report shall be circulated to the members "
          "within three weeks of the meeting and shall be considered adopted if no comments are "
          "received within two weeks. Adopted reports shall be published on the website of the "
          "Alliance."),
    ("h2", "4.6 Costs of participation"),
    ("p", "Members of the GCG normally bear the costs of their own participation in meetings. The "
          "Secretariat may, within the resources available, cover the travel costs of "
          "representatives of governments of least developed countries, of civil society "
          "organisations and of survivor-led organisations, in accordance with criteria adopted "
          "by the GCG."),
    # -- 5 -------------------------------------------------------------------------------
    ("h1", "5. The Secretariat"),
    ("h2", "5.1 Functions of the Secretariat"),
    ("p", "The Secretariat supports the GCG and the action groups and coordinates the day-to-day "
          "work of the Alliance. Its functions include:"),
    ("bullets", [
        "preparing and servicing the meetings of the GCG;",
        "maintaining the list of members and the website of the Alliance;",
        "supporting pathfinder countries in the preparation of their applications and reports;",
        "facilitating the exchange of information between the action groups;",
        "preparing an annual report on the activities of the Alliance.",
    ]),
    ("p", "The Secretariat acts under the guidance of the GCG and reports to it at each regular "
          "meeting. It does not take positions on behalf of the Alliance without the agreement of "
          "the Chair."),
    ("h2", "5.2 Resources"),
    ("p", "The Secretariat shall be staffed by a small team of professional and administrative "
          "staff. Its costs are met by voluntary contributions from members and other partners. "
          "The Secretariat shall present an annual budget and a financial report to the GCG."),
    ("p", "Contributions shall not be earmarked for activities that benefit the contributor "
          "directly, and no contribution shall give the contributor any particular influence over "
          "the decisions of the GCG. Contributions in kind, such as the secondment of staff, shall "
          "be reported in the same way as financial contributions."),
    ("h2", "5.3 Hosting arrangements"),
    ("p", "The Secretariat is hosted by the International Labour Office in Geneva. Staff of the "
          "Secretariat are subject to the rules and regulations of the host organisation. The "
          "hosting arrangements shall be reviewed by the GCG every four years."),
    ("h2", "5.4 Annual report"),
    ("p", "The annual report of the Alliance shall describe the activities of the GCG, of the "
          "action groups and of the Secretariat, the progress reported by pathfinder countries "
          "and the use of the resources made available to the Secretariat. It shall be submitted "
          "to the GCG for approval at its first meeting of the year and published once approved."),
    # -- 6 -------------------------------------------------------------------------------
    ("h1", "6. Pathfinder countries"),
    ("h2", "6.1 Purpose of pathfinder status"),
    ("p", "Pathfinder countries are countries that commit to going further and faster towards "
          "target 8.7. They agree to accelerate their efforts, to try new approaches and to share "
          "their experience, both successes and failures, with other countries. Becoming a "
          "pathfinder country is voluntary and open to any State, regardless of its level of "
          "development."),
    ("h2", "6.2 Criteria"),
    ("p", "A country may be recognised as a pathfinder country if it meets the following "
          "criteria:"),
    ("bullets", [
        "it demonstrates respect for human rights and international labour standards, including "
        "by having ratified, or by taking steps to ratify, the relevant ILO conventions and "
        "protocols;",
        "it has designated a national focal point at a senior level of government;",
        "it holds a national consultation with workers' and employers' organisations, civil "
        "society and other stakeholders, leading to measurable action plans with reporting "
        "schedules;",
        "it agrees to share information on its progress with the Alliance and with other "
        "pathfinder countries.",
    ]),
    ("p", "The GCG shall assess each application against these criteria on the basis of a written "
          "application and of an exchange between the Secretariat and the national focal point. "
          "The detailed procedure is described in the Pathfinder guidance note."),
    ("h2", "6.3 National consultation and action plans"),
    ("p", "Within six months of its recognition, a pathfinder country shall hold a national "
          "consultation to agree on priorities for accelerated action. The consultation should "
          "build on existing national plans and coordination mechanisms rather than create new "
          "ones."),
    ("p", "The outcome of the consultation shall be a national action plan, or an addendum to an "
          "existing plan, with time-bound and measurable targets, an indication of the resources "
          "required and a reporting schedule. Pathfinder countries shall involve workers' and "
          "employers' organisations where appropriate in the preparation, implementation and "
          "review of their action plans."),
    ("h2", "6.4 Reporting"),
    ("p", "Pathfinder countries shall report on the implementation of their action plans once a "
          "year, using a common format prepared by the Secretariat. Reports shall be published on "
          "the website of the Alliance unless the country concerned objects."),
    ("p", "The GCG shall review the reports of pathfinder countries at one of its regular "
          "meetings each year. Where a country has not reported for two consecutive years, the "
          "GCG may, after consulting the country, decide that it no longer holds pathfinder "
          "status."),
    ("h2", "6.5 Support to pathfinder countries"),
    ("p", "Members of the Alliance shall, within their mandates and resources, support pathfinder "
          "countries in the preparation and implementation of their action plans. The Secretariat "
          "shall coordinate this support so as to avoid duplication and to make the best use of "
          "the programmes that members already carry out in the countries concerned."),
    # -- 7 -------------------------------------------------------------------------------
    ("h1", "7. Action groups"),
    ("p", "The GCG may establish action groups to address specific issues, such as supply "
          "chains, migration, the rule of law and governance, or conflict and humanitarian "
          "settings. Each action group shall have terms of reference approved by the GCG, "
          "including its objectives, membership and expected outputs."),
    ("p", "Action groups are co-led by two members of the Alliance, at least one of which shall "
          "come from a constituency other than the United Nations agencies. The co-leads report "
          "to the GCG at each of its regular meetings."),
    ("p", "Action groups are established for the period of one work plan and may be renewed by "
          "the GCG. Membership of an action group is open to all members of the Alliance with "
          "relevant expertise."),
    ("p", "Action groups shall work mainly by electronic means. They shall make their outputs "
          "available to all members of the Alliance through the knowledge platform and shall, "
          "when they prepare guidance or tools intended for pathfinder countries, consult the "
          "national focal points concerned."),
    # -- 8 -------------------------------------------------------------------------------
    ("h1", "8. Communication and knowledge sharing"),
    ("p", "The Alliance shall maintain a knowledge platform to make research, data and good "
          "practice on target 8.7 freely available. Members are encouraged to contribute their "
          "publications and data, subject to their own policies on confidentiality and data "
          "protection."),
    ("p", "Members may refer to their membership of the Alliance in their own communications. Use "
          "of the name and logo of the Alliance for other purposes requires the prior agreement "
          "of the Secretariat."),
    ("p", "Personal data collected by the Secretariat, including the contact details of "
          "representatives and the information provided by survivors, shall be processed in "
          "accordance with the data protection rules of the host organisation. Information that "
          "could identify survivors shall never be published."),
    # -- 9 -------------------------------------------------------------------------------
    ("h1", "9. Conflicts of interest"),
    ("p", "Members of the GCG shall declare any interest that could conflict with their duties as "
          "members, in particular where a decision concerns an application, a contract or a "
          "project in which they or their organisation are involved. A member who has declared "
          "such an interest shall not take part in the decision on the matter concerned."),
    ("p", "The Secretariat shall keep a register of the declarations made under this section and "
          "make it available to the members of the GCG. Where a member has doubts about the "
          "application of this section in a particular case, the Chair shall decide, after "
          "consulting the co-chair."),
    ("p", "Declarations shall be renewed at the beginning of each term and whenever the "
          "situation of the member concerned changes in a way that could give rise to a conflict "
          "of interest."),
    # -- 10 ------------------------------------------------------------------------------
    ("h1", "10. Transparency and accountability"),
    ("p", "The documents of the GCG, including the agendas, the reports of meetings, the annual "
          "report and the financial report of the Secretariat, shall be public. The GCG may "
          "decide, for a specific document and for stated reasons, that it shall remain "
          "confidential, in particular where its publication could put people at risk."),
    ("p", "The Secretariat shall publish on the website of the Alliance the list of the members of "
          "the GCG, their alternates and the constituencies they represent, together with the "
          "declarations made under section 9."),
    ("p", "Any member of the Alliance may address questions or concerns about the functioning of "
          "the Alliance to the Chair, who shall ensure that they receive a reply within a "
          "reasonable time and, if necessary, that they are brought to the attention of the "
          "GCG."),
    # -- 11 ------------------------------------------------------------------------------
    ("h1", "11. Review and amendment"),
    ("p", "These Terms of Reference shall be reviewed by the GCG at the end of the first strategy "
          "period of the Alliance, in the light of the experience gained."),
    ("p", "Proposals to amend these Terms of Reference may be made by any member of the GCG. "
          "Amendments shall be circulated to all members of the Alliance for comment at least six "
          "weeks before the meeting at which they are to be adopted."),
    # -- 12 ------------------------------------------------------------------------------
    ("h1", "12. Entry into force"),
    ("p", "These Terms of Reference enter into force on the date of their adoption by the GCG. "
          "The members of the GCG designated under the interim working arrangements remain in "
          "office until their successors have been selected in accordance with section 2."),
    # -- Annex ---------------------------------------------------------------------------
    ("h1", "Annex. Regions for the purpose of government seats"),
    ("p", "For the purpose of the government seats referred to in section 2.2, the regions are "
          "those used by the International Labour Organization for its regional meetings:"),
    ("bullets", [
        "Africa;",
        "the Americas;",
        "Arab States;",
        "Asia and the Pacific.",
    ]),
    ("p", "The countries of Europe and Central Asia are, for this purpose, attached to the region "
          "of their choice until the GCG decides otherwise."),
]

GUIDANCE: list[tuple] = [
    ("title", GUIDANCE_TITLE),
    ("p", "Guidance for countries wishing to become Alliance 8.7 pathfinder countries. Draft for "
          "consultation, version 1, 16 July 2018."),
    ("h1", "1. Introduction"),
    ("p", "This note explains what it means to be a pathfinder country of Alliance 8.7 and "
          "describes the steps that a country takes to become one. It is addressed to government "
          "officials, workers' and employers' organisations, civil society organisations and the "
          "United Nations country teams that support national efforts towards target 8.7 of the "
          "Sustainable Development Goals."),
    ("p", "The note should be read together with the Terms of Reference of Alliance 8.7, which set "
          "out the criteria for pathfinder status and the role of the Global Coordinating Group "
          "(GCG) in deciding on applications. Where this note and the Terms of Reference differ, "
          "the Terms of Reference prevail."),
    ("p", "The guidance is not prescriptive. Countries start from very different situations, and "
          "the process described here should be adapted to national circumstances, institutions "
          "and priorities. The Secretariat is available to discuss any aspect of the process with "
          "interested governments."),
    ("h1", "2. What it means to be a pathfinder country"),
    ("p", "A pathfinder country is a country that commits to going further and faster to end child "
          "labour, forced labour, modern slavery and human trafficking. Pathfinder status is not a "
          "reward for past achievements, nor is it a ranking of countries. It is a commitment to "
          "accelerate action, to test new approaches and to share lessons learned with other "
          "countries."),
    ("p", "Pathfinder countries benefit from:"),
    ("bullets", [
        "the exchange of experience with other pathfinder countries, including through peer "
        "visits and regional meetings;",
        "technical advice from the members of the Alliance, coordinated by the Secretariat;",
        "increased visibility of national efforts at the international level;",
        "support in identifying partners and resources for the implementation of their action "
        "plans.",
    ]),
    ("p", "In return, pathfinder countries agree to hold an inclusive national consultation, to "
          "adopt measurable commitments, to report on their progress every year and to take part "
          "in the exchange of experience among pathfinder countries."),
    ("p", "Pathfinder countries are found in all regions and at all levels of development. What "
          "they have in common is not the size of the problem they face, but the willingness of "
          "their governments and of their social partners to address it openly, to measure "
          "progress and to learn from others."),
    ("h1", "3. Steps to become a pathfinder country"),
    ("p", "The process of becoming a pathfinder country has four main steps, described below. In "
          "practice, the steps often overlap, and the timeframes indicated in section 6 are given "
          "only as an indication."),
    ("h2", "3.1 Expression of interest"),
    ("p", "The process starts with a letter from the government to the Secretariat expressing its "
          "interest in becoming a pathfinder country. The letter should be signed at ministerial "
          "level, preferably by the minister responsible for labour, and should indicate the "
          "ministries and agencies that will be involved."),
    ("p", "The Secretariat acknowledges the letter within two weeks and proposes an initial "
          "exchange, usually by video conference, with the officials concerned. The purpose of "
          "this exchange is to explain the process, to answer questions and to agree on an "
          "indicative timetable."),
    ("h2", "3.2 National focal point"),
    ("p", "The government designates a national focal point, who acts as the main contact with the "
          "Secretariat and coordinates the process at national level. The focal point should be a "
          "senior official with the authority to convene other ministries and agencies."),
    ("p", "Where a national coordination body on child labour, forced labour or human trafficking "
          "already exists, the focal point should normally be a member of that body, so that the "
          "pathfinder process builds on existing structures."),
    ("h2", "3.3 National consultation"),
    ("p", "The government organises a national consultation with workers' and employers' "
          "organisations, civil society organisations, relevant public institutions and "
          "development partners. The consultation may take the form of a workshop of one or two "
          "days, preceded by bilateral discussions with the main stakeholders."),
    ("p", "The consultation should take stock of existing policies, data and programmes, identify "
          "the main gaps and agree on a limited number of priorities for accelerated action. "
          "Survivors and organisations working with them should be able to contribute, in a safe "
          "and confidential manner where necessary."),
    ("p", "The Secretariat and the members of the Alliance present in the country can support the "
          "preparation of the consultation, including the background analysis. The costs of the "
          "consultation are normally borne by the government, with support from partners where "
          "needed."),
    ("h2", "3.4 Application"),
    ("p", "On the basis of the consultation, the government submits an application to the "
          "Secretariat. The application should include:"),
    ("bullets", [
        "a short description of the national situation and of existing policies;",
        "a summary of the national consultation, including the list of participants;",
        "the priorities agreed and the main commitments of the government;",
        "the name and contact details of the national focal point.",
    ]),
    ("p", "The Secretariat checks that the application is complete and transmits it to the GCG, "
          "which takes its decision at its next regular meeting or by written procedure. The "
          "decision is communicated to the government by the Chair of the GCG."),
    ("h2", "3.5 After the decision"),
    ("p", "Once the GCG has recognised a country as a pathfinder country, the Secretariat informs "
          "the members of the Alliance and publishes the decision on the website of the Alliance. "
          "The government may wish to announce its new status at a public event, with the "
          "participation of the stakeholders that took part in the national consultation."),
    ("p", "Where the GCG decides not to recognise a country, or to defer its decision, it explains "
          "its reasons to the government and indicates what further steps would allow a new "
          "application to succeed. A country may submit a new application at any time."),
    ("h1", "4. National action plans"),
    ("h2", "4.1 Content of the plan"),
    ("p", "Within six months of the decision of the GCG, the pathfinder country adopts a national "
          "action plan, or an addendum to an existing plan, that translates the priorities agreed "
          "during the consultation into concrete measures. The plan should be short and "
          "operational rather than comprehensive."),
    ("p", "Each measure in the plan should specify the responsible institution, the expected "
          "result, the timeframe and the estimated cost. The plan should also explain how it "
          "relates to other national plans, such as plans on employment, education, social "
          "protection or migration."),
    ("h2", "4.2 Targets and indicators"),
    ("p", "The plan should include time-bound and measurable targets. Wherever possible, targets "
          "should be linked to the indicators used for monitoring target 8.7, such as the "
          "proportion of children engaged in child labour, so that national progress can be "
          "compared over time."),
    ("p", "Where national data are not available, the plan should include measures to collect "
          "them, for example through a national child labour survey or a forced labour module "
          "added to the labour force survey. The ILO and UNICEF can provide technical assistance "
          "for this purpose."),
    ("h2", "4.3 Financing"),
    ("p", "The plan should identify the resources required and the sources from which they are "
          "expected to come, including the national budget, development cooperation and the "
          "private sector. Pathfinder status does not in itself give access to funding, but the "
          "Alliance can help countries to present their needs to potential partners."),
    ("h2", "4.4 Involving stakeholders"),
    ("p", "The plan is a national document, owned by the government, but it should be prepared "
          "and implemented with the stakeholders that took part in the national consultation. "
          "Many pathfinder countries use an existing tripartite body, or a national steering "
          "committee that includes civil society, to follow the implementation of the plan."),
    ("p", "Particular attention should be paid to groups that are often left out of national "
          "processes, such as workers in the informal economy, domestic workers, migrant workers, "
          "indigenous peoples and children. Their representatives should be able to follow the "
          "implementation of the plan and to raise concerns."),
    ("h1", "5. Reporting"),
    ("h2", "5.1 Annual progress reports"),
    ("p", "Pathfinder countries report on their progress once a year, using the common reporting "
          "format prepared by the Secretariat. The report should be short: it describes the "
          "measures taken, the progress made towards the targets, the difficulties encountered "
          "and the lessons learned."),
    ("p", "The report should be prepared in consultation with the stakeholders that took part in "
          "the national consultation. Workers' and employers' organisations and civil society "
          "organisations may attach their own observations to the report."),
    ("p", "Reports are submitted to the Secretariat by 31 March of each year and cover the "
          "previous calendar year. They are reviewed by the GCG and published on the website of "
          "the Alliance, unless the country objects."),
    ("p", "The common reporting format asks for the following information:"),
    ("bullets", [
        "the measures of the action plan that have been implemented, started or postponed;",
        "the value of each indicator at the start of the plan and at the end of the year;",
        "the resources spent and their sources;",
        "the main obstacles encountered and the measures taken to overcome them;",
        "examples of good practice that could be useful to other countries.",
    ]),
    ("h2", "5.2 Peer exchange"),
    ("p", "Pathfinder countries are invited to take part in an annual meeting of pathfinder "
          "countries, where they present their progress and discuss common challenges. Countries "
          "may also organise peer visits to learn from each other's experience in specific "
          "areas."),
    ("h1", "6. Milestones"),
    ("p", "The table below summarises the main milestones of the process and the indicative time "
          "needed for each of them. Actual timeframes will vary from one country to another."),
    ("table", [
        ["Milestone", "Responsible", "Indicative timing"],
        ["Expression of interest", "Government", "Month 0"],
        ["Initial exchange with the Secretariat", "Secretariat and national focal point",
         "Month 1"],
        ["National consultation", "Government, with the support of partners", "Months 2 to 4"],
        ["Application to the GCG", "Government", "Month 5"],
        ["Decision of the GCG", "GCG", "Months 6 to 8"],
        ["Adoption of the national action plan", "Government",
         "Within six months of the decision"],
        ["First annual progress report", "National focal point",
         "31 March after the first full year"],
    ]),
    ("h1", "7. Support from the Alliance"),
    ("p", "The Secretariat coordinates the support that members of the Alliance provide to "
          "pathfinder countries. Support is demand-driven: it responds to the priorities set out "
          "in the national action plan and is provided, as far as possible, through the programmes "
          "that members already run in the country."),
    ("p", "Support may include technical advice on legislation and policy, assistance with data "
          "collection and research, training for labour inspectors, police, prosecutors and social "
          "workers, and help in organising the national consultation. The action groups of the "
          "Alliance may also make their expertise available to pathfinder countries."),
    ("p", "Requests for support should be addressed to the Secretariat through the national focal "
          "point, so that the government keeps an overview of all the support received. The "
          "Secretariat informs the focal point of the members that are able to respond and of the "
          "likely timeframe."),
    ("p", "The Secretariat maintains a page on the website of the Alliance for each pathfinder "
          "country, with its action plan, its progress reports and contact details for the "
          "national focal point."),
    ("h1", "8. Review of pathfinder status"),
    ("p", "Pathfinder status is reviewed by the GCG every four years on the basis of the progress "
          "reports submitted by the country. The review is an opportunity to update the national "
          "action plan and to set new commitments."),
    ("p", "A country may withdraw from pathfinder status at any time by informing the Secretariat "
          "in writing. Where a country has not reported for two consecutive years, the GCG may, "
          "after consulting the country, decide that it no longer holds pathfinder status."),
    ("p", "The review is carried out in dialogue with the national focal point. The GCG may "
          "invite the country to present its experience at one of its meetings, and it may "
          "recommend adjustments to the action plan or to the way in which progress is measured."),
    ("h1", "9. Frequently asked questions"),
    ("p", "Does a country need to have ratified all the relevant conventions to apply? No. The "
          "Terms of Reference require respect for human rights and international labour "
          "standards, which includes taking steps towards ratification. The application should "
          "explain the situation and the steps planned."),
    ("p", "Can a country apply if it already has a national action plan? Yes. In that case, the "
          "national consultation should review the existing plan and identify where action can be "
          "accelerated. The result may be an addendum to the existing plan rather than a new "
          "plan."),
    ("p", "How long does the process take? Most countries complete the steps from the expression "
          "of interest to the decision of the GCG within six to nine months. The adoption of the "
          "national action plan usually takes a further six months."),
    ("p", "Does pathfinder status bring additional funding? Not automatically. The Alliance is not "
          "a funding body, but it helps pathfinder countries to present their needs to partners "
          "and to make better use of existing programmes."),
    ("p", "Who represents the country in the Alliance? The national focal point is the contact for "
          "the pathfinder process. The representation of the government in the GCG is a separate "
          "matter, governed by the Terms of Reference."),
    ("p", "Can a region or a group of countries apply together? The Terms of Reference provide for "
          "the recognition of individual countries. Countries of the same region are, however, "
          "encouraged to coordinate their applications and to organise joint activities."),
    ("h1", "10. Contact"),
    ("p", "Questions about this note and about the pathfinder process may be addressed to the "
          "Secretariat at info@alliance87.org."),
    ("h1", "Annex. Checklist for the application"),
    ("p", "Before submitting its application, the government may wish to check that it has:"),
    ("bullets", [
        "sent a letter of interest signed at ministerial level;",
        "designated a national focal point and informed the Secretariat;",
        "held a national consultation open to workers' and employers' organisations and civil "
        "society;",
        "prepared a summary of the consultation, with the list of participants;",
        "agreed on a limited number of priorities and on the main commitments of the government;",
        "identified the institutions responsible for preparing the national action plan;",
        "considered how progress will be measured and reported each year.",
    ]),
    ("p", "The Secretariat can review a draft application informally before it is submitted. "
          "Governments are encouraged to use this possibility, which often avoids delays at the "
          "stage of the decision of the GCG."),
]


def block_words(blocks: list[tuple]) -> int:
    """Number of words in a draft (for the docstring's page estimates)."""

    def text(item) -> str:
        return item if isinstance(item, str) else "".join(item)

    words = 0
    for kind, content in blocks:
        if kind == "bullets":
            words += sum(len(text(i).split()) for i in content)
        elif kind == "table":
            words += sum(len(c.split()) for row in content for c in row)
        else:
            words += len(text(content).split())
    return words
