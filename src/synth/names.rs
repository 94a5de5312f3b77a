//! Names for fictitious people. No real person is represented: a first name and a last name are
//! drawn independently from these lists of common given names and surnames found across
//! California's communities, and combined at random with a random birth date, id and address.
//! Some names carry accents (Muñoz, José, Peña), which `ecm` spells in plain ASCII for X12 and
//! reports.

use super::rng::Rng;

/// Given names used for women and girls.
pub const FEMALE_FIRST: &[&str] = &[
    "María",
    "Ana",
    "Lucía",
    "Sofía",
    "Guadalupe",
    "Rocío",
    "Inés",
    "Mónica",
    "Verónica",
    "Ángela",
    "Beatriz",
    "Carmen",
    "Rosa",
    "Elena",
    "Isabel",
    "María Elena",
    "Ana Lucía",
    "Linh",
    "Thao",
    "Mai",
    "Lan",
    "Hoa",
    "Mei",
    "Xiu",
    "Grace",
    "Jasmine",
    "Aaliyah",
    "Keisha",
    "Imani",
    "Tamika",
    "Danielle",
    "Ashley",
    "Jessica",
    "Emily",
    "Sarah",
    "Hannah",
    "Megan",
    "Rebecca",
    "Linda",
    "Patricia",
    "Barbara",
    "Dolores",
    "Losana",
    "Mele",
    "Leilani",
    "Aiyana",
    "Winona",
    "Priya",
    "Anjali",
    "Fatima",
    "Amina",
    "Zainab",
    "Maricel",
    "Jocelyn",
    "Rowena",
    "Esperanza",
    "Noemí",
    "Zoë",
    "Chloé",
    "Renée",
];

/// Given names used for men and boys.
pub const MALE_FIRST: &[&str] = &[
    "José",
    "José Luis",
    "Juan",
    "Jesús",
    "Tomás",
    "Ramón",
    "Andrés",
    "Martín",
    "Joaquín",
    "Raúl",
    "Héctor",
    "Óscar",
    "Sebastián",
    "Luis",
    "Carlos",
    "Miguel",
    "Pedro",
    "Alejandro",
    "Minh",
    "Tuan",
    "Duc",
    "Wei",
    "Jun",
    "Hiroshi",
    "Darnell",
    "Marcus",
    "Jamal",
    "DeShawn",
    "Andre",
    "Terrence",
    "Michael",
    "David",
    "James",
    "Robert",
    "William",
    "Daniel",
    "Matthew",
    "Kevin",
    "Brian",
    "Thomas",
    "Sione",
    "Tevita",
    "Kekoa",
    "Dakota",
    "Ahanu",
    "Rajesh",
    "Arjun",
    "Omar",
    "Ahmed",
    "Yusuf",
    "Rodel",
    "Jomar",
    "Efraín",
    "Rubén",
    "Ángel",
    "Noé",
    "René",
    "Chidi",
    "Emeka",
];

/// Surnames.
pub const LAST: &[&str] = &[
    "Muñoz",
    "Nuñez",
    "Peña",
    "Hernández",
    "García",
    "Martínez",
    "Rodríguez",
    "López",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Gómez",
    "Díaz",
    "Jiménez",
    "Ibáñez",
    "Castañeda",
    "Ordóñez",
    "Núñez",
    "Ortiz",
    "Morales",
    "Reyes",
    "Cruz",
    "Flores",
    "Rivera",
    "Torres",
    "Vargas",
    "Castillo",
    "Mendoza",
    "Chávez",
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Huynh",
    "Vo",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Wong",
    "Kim",
    "Park",
    "Lee",
    "Choi",
    "Tanaka",
    "Yamamoto",
    "Santos",
    "Dela Cruz",
    "Bautista",
    "Villanueva",
    "Ramos",
    "Johnson",
    "Washington",
    "Jackson",
    "Williams",
    "Brown",
    "Jones",
    "Davis",
    "Miller",
    "Wilson",
    "Moore",
    "Taylor",
    "Anderson",
    "Thomas",
    "White",
    "Harris",
    "Martin",
    "Thompson",
    "Robinson",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "O'Brien",
    "McCarthy",
    "Fale",
    "Tupou",
    "Faleolo",
    "Kahananui",
    "Redcloud",
    "Begay",
    "Yazzie",
    "Okafor",
    "Okoro",
    "Mensah",
    "Patel",
    "Singh",
    "Shah",
    "Khan",
    "Ali",
    "Haddad",
    "Petrosyan",
    "Grigoryan",
    "Hakobyan",
    "Smith-Jones",
];

/// A given name for the member's sex (`U` draws from both lists).
pub fn first_name(rng: &mut Rng, sex: &str) -> &'static str {
    match sex {
        "F" => rng.pick(FEMALE_FIRST),
        "M" => rng.pick(MALE_FIRST),
        _ => {
            if rng.chance(5000) {
                rng.pick(FEMALE_FIRST)
            } else {
                rng.pick(MALE_FIRST)
            }
        }
    }
}

/// A surname.
pub fn last_name(rng: &mut Rng) -> &'static str {
    rng.pick(LAST)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::to_x12_text;

    #[test]
    fn every_name_has_a_plain_ascii_spelling_that_fits_the_837() {
        for n in FEMALE_FIRST.iter().chain(MALE_FIRST).chain(LAST) {
            let (t, _) = to_x12_text(n).unwrap_or_else(|e| panic!("{n}: {e}"));
            assert!(t.len() <= 35, "{n}");
        }
    }

    #[test]
    fn some_names_carry_accents() {
        let accented = LAST.iter().filter(|n| !n.is_ascii()).count();
        assert!(accented >= 10);
        assert!(FEMALE_FIRST.contains(&"María") && MALE_FIRST.contains(&"José"));
    }
}
