"""Literal word lists for the sandbox seeder: names per locale and organisation vocabulary.

Everything here is fictional: first and family names are common names combined at random,
companies, domains (``.example``) and policies are invented.
"""

from __future__ import annotations

import unicodedata


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# code: (home country, language tag, male given names, female given names, family names)
LOCALES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en_US": (
        "US",
        "en-US",
        _w("""
        James John Robert Michael William David Richard Joseph Charles Christopher Daniel Matthew
        Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian Timothy Ronald Jason
        Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Tyler Brandon Justin"""),
        _w("""
        Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty
        Sandra Margaret Ashley Kimberly Donna Michelle Carol Amanda Melissa Deborah Stephanie
        Rebecca Sharon Cynthia Amy Kathleen Angela Shirley Brenda Madison Brittany Tiffany Heather"""),
        _w("""
        Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson
        Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green
        Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards
        Collins Stewart Morris Murphy Cook Rogers Reed Bailey"""),
    ),
    "en_GB": (
        "GB",
        "en-GB",
        _w("""
        Oliver George Harry Jack Charlie Oscar Henry Alfie Leo Archie Freddie Theo Arthur Alexander
        Edward Samuel Max Isaac Finley Sebastian Rory Callum Declan Alistair Hamish Rhys Owen
        Gareth Nigel Graham Simon Rupert Angus Ewan Dominic Toby"""),
        _w("""
        Olivia Amelia Isla Ava Sophie Grace Lily Evie Poppy Ella Freya Charlotte Florence Isabelle
        Ruby Alice Harriet Imogen Matilda Rosie Eleanor Phoebe Niamh Eilidh Bethan Siobhan Fiona
        Gemma Hayley Joanne Kirsty Lucy Megan Nicola Zoe Philippa"""),
        _w("""
        Davies Hughes Wood Clarke Harrison Cooper Ward Morgan Bennett Griffiths Shaw Lloyd Fletcher
        Pearson Ellis Holmes Marshall Barker Chapman Hunt Palmer Richardson Mason Payne Fraser
        MacDonald O'Neill Atkinson Whitehouse Pritchard Thornton Ashworth Gallagher Hargreaves
        Kershaw Sutcliffe Entwistle Haworth Pemberton Blackwood Lockhart Fairbairn Cartwright
        Whitfield Underwood"""),
    ),
    "es_ES": (
        "ES",
        "es-ES",
        _w("""
        Antonio José Manuel Francisco Juan Javier Carlos Jesús Alejandro Miguel Rafael Pablo Sergio
        Fernando Jorge Alberto Luis Álvaro Adrián Diego Raúl Enrique Ramón Vicente Andrés Joaquín
        Santiago Víctor Ignacio Rubén Óscar Gonzalo Iker Mateo Emilio Agustín"""),
        _w("""
        María Carmen Isabel Cristina Marta Lucía Elena Pilar Sara Paula Rosa Silvia Nuria Irene
        Andrea Alba Claudia Sofía Noelia Rocío Inés Lorena Marina Teresa Natalia Begoña Mercedes
        Montserrat Ainhoa Almudena Consuelo Esperanza Maite Yolanda Remedios Amparo"""),
        _w("""
        García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Jiménez Ruiz
        Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez
        Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Ortiz Rubio
        Marín Sanz Iglesias Núñez Medina Garrido Cortés Castillo Vidal Lozano Guerrero Cabrera"""),
    ),
    "de_DE": (
        "DE",
        "de-DE",
        _w("""
        Lukas Leon Finn Jonas Felix Maximilian Elias Noah Ben Tim Jan Niklas Moritz Julian Tobias
        Florian Matthias Stefan Andreas Markus Jürgen Klaus Wolfgang Uwe Dieter Björn Torsten Henrik
        Kai Lars Jörg Volker Rainer Dirk Holger Ulrich"""),
        _w("""
        Anna Lena Lea Hannah Katharina Johanna Clara Mia Leonie Jana Franziska Miriam Sabine Petra
        Birgit Monika Ursula Heike Anja Kerstin Silke Jutta Greta Frieda Ilse Theresa Gudrun Helga
        Annika Svenja Wiebke Dörte Karin Renate Elke Ingrid"""),
        _w("""
        Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer
        Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange
        Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König
        Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel"""),
    ),
    "fr_FR": (
        "FR",
        "fr-FR",
        _w("""
        Jean Pierre Michel Philippe Alain Christophe Sébastien Julien Laurent Olivier Thierry Éric
        Frédéric Stéphane François Mathieu Guillaume Antoine Romain Hugo Louis Théo Maxime Gabriel
        Raphaël Baptiste Clément Valentin Quentin Jérôme Benoît Cédric Yannick Gaël Loïc Hervé"""),
        _w("""
        Marie Nathalie Sylvie Catherine Françoise Christine Valérie Sandrine Céline Julie Aurélie
        Camille Léa Manon Chloé Inès Louise Juliette Pauline Mathilde Élodie Amélie Margaux
        Clémence Hélène Anaïs Océane Maëlle Brigitte Delphine Agnès Solène Ségolène Odile Gwenaëlle
        Martine"""),
        _w("""
        Bernard Dubois Robert Richard Petit Durand Leroy Moreau Laurent Lefebvre Bertrand Roux
        Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet Legrand Garnier
        Faure Rousseau Blanc Guérin Roussel Perrin Morin Gauthier Dumont Fontaine Chevalier Robin
        Masson Marchand Duval Denis Lemaire Brun Picard Renard Barbier Arnaud Caron Giraud"""),
    ),
    "en_IN": (
        "IN",
        "en-IN",
        _w("""
        Aarav Vivaan Aditya Vihaan Arjun Sai Reyansh Krishna Ishaan Rohan Rahul Amit Vikram Sanjay
        Rajesh Suresh Anil Sunil Deepak Manoj Arvind Karthik Venkat Prakash Ravi Nikhil Siddharth
        Abhishek Harish Gaurav Naveen Pranav Varun Kunal Tarun Yash"""),
        _w("""
        Aadhya Ananya Diya Isha Priya Pooja Neha Sneha Kavya Divya Anjali Shreya Meera Lakshmi Deepa
        Sunita Anita Kavita Rekha Swati Nisha Pallavi Aishwarya Shalini Radhika Vidya Sakshi Tanvi
        Nandini Aparna Bhavana Harini Keerthi Madhuri Ritu Sangeeta"""),
        _w("""
        Sharma Verma Gupta Patel Singh Kumar Reddy Rao Iyer Iyengar Nair Menon Pillai Joshi Desai
        Mehta Shah Kulkarni Deshpande Chatterjee Banerjee Mukherjee Das Bose Ghosh Sen Agarwal
        Bansal Malhotra Kapoor Khanna Chopra Bhat Hegde Naidu Chowdhury Mishra Tiwari Pandey
        Srinivasan Krishnan Subramanian Venkatesan Jain Saxena"""),
    ),
    "ja_JP": (
        "JP",
        "ja-JP",
        _w("""
        Hiroshi Takashi Kenji Takeshi Satoshi Daisuke Kazuki Yuki Haruto Sota Yuto Ren Riku Kaito
        Hayato Shota Kenta Ryota Naoki Tatsuya Kohei Shun Yusuke Koji Akira Makoto Masato Tomoya Sho
        Hiroki Taro Ichiro Osamu Manabu Yoshio Tetsuya"""),
        _w("""
        Yuko Keiko Tomoko Akiko Yoko Naoko Mayumi Sachiko Yui Aoi Hina Sakura Yuna Rin Misaki
        Haruka Nanami Ayaka Miyu Saki Kana Asuka Emi Mai Nozomi Megumi Kaori Erika Chihiro Natsuki
        Shiori Ayumi Noriko Fumiko Hanako Kyoko"""),
        _w("""
        Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada
        Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto
        Yamashita Ishikawa Nakajima Maeda Fujita Ogawa Goto Okada Hasegawa Murakami Kondo Ishii
        Saito Sakamoto Endo Aoki Fujii Nishimura Fukuda Ota Miura Takeuchi Nakagawa Okamoto Matsuda
        Harada"""),
    ),
    "zh_CN": (
        "CN",
        "zh-CN",
        _w("""
        Wei Jun Hao Lei Jie Tao Ming Qiang Bo Gang Ping Chao Peng Xin Yong Jian Bin Feng Long Kai
        Rui Zhen Zhiwei Jianguo Haoran Yuxuan Junjie Xiaoming Wenbo Tianyu Jiahao Yifan Zhihao
        Zhiqiang Guowei Dawei"""),
        _w("""
        Fang Na Min Jing Yan Juan Xiu Ying Hua Ling Lan Xia Ting Qing Yun Jia Xue Wen Hong Dan Yue
        Xiaoli Meiling Xinyi Yutong Shuang Jiayi Yuqi Ruoxi Siyu Wanting Xiaohong Mengyao Yiting
        Huimin Lijuan"""),
        _w("""
        Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng
        Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye
        Cheng Su Lu Ding Ren Shen Yao Qian"""),
    ),
    "ar_AE": (
        "AE",
        "ar-AE",
        _w("""
        Mohammed Ahmed Ali Omar Khalid Hassan Hussein Youssef Ibrahim Abdullah Mahmoud Mustafa Tariq
        Faisal Saeed Rashid Hamad Sultan Majid Karim Samir Walid Adel Bilal Ziad Rami Nabil Fahad
        Yasser Hamza Anas Sami Imad Jamal Marwan Osama"""),
        _w("""
        Fatima Aisha Mariam Noor Layla Huda Amira Yasmin Rania Salma Dina Hana Reem Lina Nadia Samira
        Leila Zainab Maha Hala Dalia Rana Asma Ghada Mona Lamia Nour Shaima Wafa Farah Hind Dana
        Manal Rasha Abeer Suha"""),
        _w("""
        Al-Mansouri Al-Hashimi Al-Suwaidi Al-Falasi Al-Mazrouei Al-Shamsi Al-Nuaimi Haddad Khoury
        Saleh Hamdan Mansour Aziz Rahman Karimi Farouk Hakim Jaber Yousef Darwish Bakr Qureshi
        Sabbagh Najjar Masri Halabi Shami Tamimi Obeidat Rashed Kassem Zaki Ayoub Barakat Fadel
        Hussaini Khalil Sharif Taha Amin Othman Badawi Nasr Ghanem Suleiman Issa Hijazi Attar
        Sayegh Haddadin"""),
    ),
    "pt_BR": (
        "BR",
        "pt-BR",
        _w("""
        João Pedro Lucas Mateus Gustavo Felipe Bruno Thiago Rodrigo Leonardo Marcelo Eduardo
        Ricardo Vinícius Caio Henrique Davi Bernardo Heitor Murilo Otávio Paulo Renato Sérgio Fábio
        Márcio Wagner Cláudio Luciano Rogério Anderson Washington Edson Cristiano Gilberto Leandro"""),
        _w("""
        Ana Juliana Mariana Fernanda Beatriz Larissa Letícia Gabriela Bruna Carolina Patrícia Aline
        Vanessa Tatiana Renata Luana Isabela Helena Valentina Manuela Lívia Giovana Rafaela Bianca
        Débora Priscila Simone Adriana Luciana Cristiane Raquel Sônia Thaís Jéssica Daniela
        Francisca"""),
        _w("""
        Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro
        Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento
        Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Gonçalves Santana Teixeira
        Araújo Pinto Correia Cavalcanti Moura Campos Monteiro Azevedo Batista Siqueira Queiroz"""),
    ),
}
LOCALE_CODES: tuple[str, ...] = tuple(LOCALES)

# Informal names for the ``preferred`` field (English locales only).
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Richard": "Rick",
    "Joseph": "Joe",
    "Charles": "Charlie",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Andrew": "Andy",
    "Kenneth": "Ken",
    "Timothy": "Tim",
    "Jonathan": "Jon",
    "Nicholas": "Nick",
    "Elizabeth": "Liz",
    "Patricia": "Pat",
    "Jennifer": "Jen",
    "Margaret": "Peggy",
    "Kimberly": "Kim",
    "Rebecca": "Becky",
    "Katherine": "Kate",
    "Alexander": "Alex",
    "Edward": "Ed",
    "Samuel": "Sam",
    "Isabelle": "Izzy",
    "Eleanor": "Nell",
    "Philippa": "Pippa",
    "Dominic": "Dom",
    "Sebastian": "Seb",
    "Deborah": "Debbie",
}
NAME_SUFFIXES = ("JR", "SR", "II", "III", "PHD", "MD")

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_name(name: str) -> str:
    """Plain-ASCII spelling of a name (umlauts as ae/oe/ue, other accents dropped)."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return "".join(ch for ch in folded if ord(ch) < 128)


def email_part(name: str) -> str:
    return "".join(ch for ch in ascii_name(name).lower() if ch.isalnum() or ch == "-")


# Fictional companies: name, short code, e-mail domain, HQ country, region, other office places.
# Offices are (country, city index in seed_places.COUNTRIES[country] cities); the first is the HQ.
COMPANIES = (
    (
        "Northwind Analytics",
        "NWA",
        "northwind-analytics.example",
        "NA",
        (("US", 0), ("US", 1), ("US", 2), ("GB", 0), ("IN", 0), ("CA", 0)),
    ),
    (
        "Brightwater Logistics",
        "BWL",
        "brightwater-logistics.example",
        "EMEA",
        (("GB", 0), ("GB", 1), ("DE", 2), ("ES", 0), ("AE", 0)),
    ),
    ("Kestrel Biotech", "KBT", "kestrelbio.example", "EMEA", (("DE", 0), ("DE", 1), ("FR", 0), ("US", 3), ("JP", 0))),
    (
        "Sakura Mobility",
        "SKM",
        "sakura-mobility.example",
        "APAC",
        (("JP", 0), ("JP", 1), ("CN", 0), ("SG", 0), ("US", 4)),
    ),
    (
        "Solara Renewables",
        "SLR",
        "solara-renewables.example",
        "EMEA",
        (("ES", 0), ("ES", 1), ("BR", 0), ("FR", 1), ("US", 5)),
    ),
    (
        "Orchid Financial Group",
        "OFG",
        "orchid-financial.example",
        "APAC",
        (("SG", 0), ("IN", 1), ("AE", 0), ("GB", 0), ("CN", 1)),
    ),
    (
        "Meridian Foods",
        "MDF",
        "meridianfoods.example",
        "EMEA",
        (("FR", 0), ("FR", 2), ("DE", 3), ("ES", 2), ("BR", 1), ("US", 1)),
    ),
    (
        "Tallgrass Software",
        "TGS",
        "tallgrass.example",
        "NA",
        (("CA", 0), ("CA", 1), ("CA", 2), ("US", 4), ("IN", 2), ("GB", 2)),
    ),
)

LEGAL_SUFFIX = {
    "US": "Inc.",
    "GB": "Ltd",
    "DE": "GmbH",
    "FR": "SAS",
    "ES": "S.L.",
    "IN": "Pvt Ltd",
    "JP": "K.K.",
    "CN": "Co., Ltd.",
    "AE": "FZ-LLC",
    "BR": "Ltda.",
    "SG": "Pte. Ltd.",
    "CA": "Corp.",
}

# department: (staff titles, (manager, director, executive) titles)
DEPARTMENTS = {
    "Engineering": (
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "QA Engineer",
            "DevOps Engineer",
            "Data Engineer",
        ),
        ("Engineering Manager", "Director of Engineering", "Chief Technology Officer"),
    ),
    "Sales": (
        (
            "Account Executive",
            "Sales Development Representative",
            "Senior Account Executive",
            "Sales Engineer",
            "Account Manager",
        ),
        ("Sales Manager", "Regional Sales Director", "Chief Revenue Officer"),
    ),
    "Marketing": (
        ("Marketing Specialist", "Content Strategist", "Product Marketing Manager", "Brand Designer", "Growth Analyst"),
        ("Marketing Manager", "Director of Marketing", "Chief Marketing Officer"),
    ),
    "Finance": (
        ("Financial Analyst", "Accountant", "Senior Accountant", "Payroll Specialist", "Treasury Analyst"),
        ("Finance Manager", "Financial Controller", "Chief Financial Officer"),
    ),
    "Human Resources": (
        ("HR Generalist", "Recruiter", "Talent Partner", "HR Business Partner", "People Operations Specialist"),
        ("HR Manager", "Head of People", "Chief People Officer"),
    ),
    "Operations": (
        (
            "Operations Analyst",
            "Logistics Coordinator",
            "Operations Specialist",
            "Facilities Coordinator",
            "Supply Planner",
        ),
        ("Operations Manager", "Director of Operations", "Chief Operating Officer"),
    ),
    "Legal": (
        ("Legal Counsel", "Paralegal", "Compliance Analyst", "Contracts Manager"),
        ("Senior Counsel", "General Counsel", "Chief Legal Officer"),
    ),
    "Customer Success": (
        ("Customer Success Manager", "Support Specialist", "Implementation Consultant", "Technical Account Manager"),
        ("Support Manager", "Director of Customer Success", "VP Customer Success"),
    ),
    "Product": (
        ("Product Manager", "Senior Product Manager", "UX Designer", "UX Researcher", "Product Analyst"),
        ("Group Product Manager", "Director of Product", "Chief Product Officer"),
    ),
    "IT": (
        ("IT Support Specialist", "Systems Administrator", "Security Analyst", "Network Engineer"),
        ("IT Manager", "Director of IT", "Chief Information Officer"),
    ),
    "Research": (
        ("Research Scientist", "Lab Technician", "Research Associate", "Data Scientist"),
        ("Research Manager", "Director of Research", "Chief Scientific Officer"),
    ),
    "Procurement": (
        ("Buyer", "Procurement Specialist", "Vendor Manager", "Category Analyst"),
        ("Procurement Manager", "Head of Procurement", "Chief Procurement Officer"),
    ),
}
DEPARTMENT_NAMES = tuple(DEPARTMENTS)
CEO_TITLE = "Chief Executive Officer"
ASSISTANT_TITLE = "Executive Assistant"
INTERN_TITLE = "Intern"

GRADE_LADDERS = (
    (
        "L1 Associate",
        "L2 Analyst",
        "L3 Senior Analyst",
        "L4 Lead",
        "L5 Manager",
        "L6 Senior Manager",
        "L7 Director",
        "L8 Vice President",
        "L9 Executive",
    ),
    ("Band A", "Band B", "Band C", "Band D", "Band E", "Band F", "Band G"),
    ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8"),
    ("Junior", "Intermediate", "Senior", "Principal", "Management", "Senior Management", "Executive"),
)

POLICY_NAMES = (
    "Global Travel Policy",
    "Executive Travel Policy",
    "Domestic Travel Policy",
    "Guest Travel Policy",
    "Sales Team Travel Policy",
    "Intern Travel Policy",
)

CONTINGENT_ATTRIBUTES = (
    ("contingentType", ("FSTV", "AGCY", "CNSL")),
    ("vendorName", ("Talentbridge", "Staffwise", "Crewline")),
    ("contractEnd", ("2026-03-31", "2026-06-30", "2026-12-31")),
)
STEALTH_LABELS = ("VIP", "Board member", "Confidential traveler")
SPECIAL_MEAL_NOTES = ("No nuts, please.", "Lactose intolerant.", "No shellfish.", "Halal only.", "Low sodium, no pork.")
