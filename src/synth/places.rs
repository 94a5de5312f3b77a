//! Fictitious member addresses shaped like real California ones: a house number and a common
//! street name in a real city, with a five-digit ZIP from that city's range. No address is
//! meant to exist.

use super::rng::Rng;

/// A city and the range its five-digit ZIP codes are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct City {
    pub name: &'static str,
    pub zip_from: u32,
    pub zip_to: u32,
}

/// Cities members live in, weighted towards the larger ones by repetition.
pub const CITIES: &[City] = &[
    City {
        name: "Sacramento",
        zip_from: 95814,
        zip_to: 95838,
    },
    City {
        name: "Sacramento",
        zip_from: 95814,
        zip_to: 95838,
    },
    City {
        name: "Oakland",
        zip_from: 94601,
        zip_to: 94621,
    },
    City {
        name: "Los Angeles",
        zip_from: 90001,
        zip_to: 90089,
    },
    City {
        name: "Los Angeles",
        zip_from: 90001,
        zip_to: 90089,
    },
    City {
        name: "Fresno",
        zip_from: 93701,
        zip_to: 93728,
    },
    City {
        name: "San Diego",
        zip_from: 92101,
        zip_to: 92139,
    },
    City {
        name: "Stockton",
        zip_from: 95202,
        zip_to: 95219,
    },
    City {
        name: "Bakersfield",
        zip_from: 93301,
        zip_to: 93314,
    },
    City {
        name: "Riverside",
        zip_from: 92501,
        zip_to: 92508,
    },
    City {
        name: "San Jose",
        zip_from: 95110,
        zip_to: 95139,
    },
    City {
        name: "Santa Rosa",
        zip_from: 95401,
        zip_to: 95409,
    },
    City {
        name: "Redding",
        zip_from: 96001,
        zip_to: 96003,
    },
    City {
        name: "Salinas",
        zip_from: 93901,
        zip_to: 93908,
    },
    City {
        name: "Modesto",
        zip_from: 95350,
        zip_to: 95358,
    },
    City {
        name: "Eureka",
        zip_from: 95501,
        zip_to: 95503,
    },
    City {
        name: "San Bernardino",
        zip_from: 92401,
        zip_to: 92411,
    },
    City {
        name: "Chula Vista",
        zip_from: 91910,
        zip_to: 91915,
    },
    City {
        name: "Santa Ana",
        zip_from: 92701,
        zip_to: 92707,
    },
    City {
        name: "Vallejo",
        zip_from: 94589,
        zip_to: 94592,
    },
];

const STREETS: &[&str] = &[
    "Oak",
    "Maple",
    "Mission",
    "El Camino",
    "Alhambra",
    "Del Paso",
    "Florin",
    "Fruitvale",
    "International",
    "Lakeshore",
    "Broadway",
    "Main",
    "Center",
    "Park",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Madison",
    "Cedar",
    "Pine",
    "Sycamore",
    "Willow",
    "Magnolia",
    "Olive",
    "Palm",
    "Vista",
    "Sierra",
    "Mariposa",
    "Santa Clara",
    "San Pablo",
    "Las Palmas",
    "Cesar Chavez",
    "Martin Luther King Jr",
    "Figueroa",
    "Alvarado",
    "Hollister",
    "Stockton",
    "Olympic",
    "Central",
    "Grand",
    "Harbor",
    "Garden",
    "Valley",
    "Hillcrest",
    "Orchard",
    "Sunset",
    "Rosewood",
];

const SUFFIXES: &[&str] = &["St", "Ave", "Blvd", "Way", "Dr", "Rd", "Ln", "Ct"];

/// A member's home address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub city: &'static str,
    pub zip: String,
}

/// A random address in a random city.
pub fn address(rng: &mut Rng) -> Address {
    let city = rng.pick(CITIES);
    let mut line1 = format!(
        "{} {} {}",
        rng.range(10, 9899),
        rng.pick(STREETS),
        rng.pick(SUFFIXES)
    );
    if rng.chance(3000) {
        line1.push_str(&format!(" Apt {}", rng.range(1, 42)));
    }
    let zip = rng.range(i64::from(city.zip_from), i64::from(city.zip_to));
    Address {
        line1,
        city: city.name,
        zip: format!("{zip:05}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_fit_the_837_and_have_five_digit_zips() {
        let mut r = Rng::new(3);
        for _ in 0..2000 {
            let a = address(&mut r);
            assert!(a.line1.len() <= 55 && a.city.len() <= 30, "{a:?}");
            assert!(a.zip.len() == 5 && a.zip.bytes().all(|b| b.is_ascii_digit()));
            assert!(!a.line1.contains(['*', '~', ':', '^', ',']));
        }
    }
}
