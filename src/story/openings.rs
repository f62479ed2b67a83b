//! The genre openings a new story can start from (assets/openings).

pub struct Opening {
    pub name: &'static str,
    pub text: &'static str,
}

pub const OPENINGS: [Opening; 5] = [
    Opening {
        name: "fantasy",
        text: include_str!("../../assets/openings/fantasy.txt"),
    },
    Opening {
        name: "mystery",
        text: include_str!("../../assets/openings/mystery.txt"),
    },
    Opening {
        name: "science fiction",
        text: include_str!("../../assets/openings/science-fiction.txt"),
    },
    Opening {
        name: "horror",
        text: include_str!("../../assets/openings/horror.txt"),
    },
    Opening {
        name: "shipwreck",
        text: include_str!("../../assets/openings/sea.txt"),
    },
];
