//! Typed indices: entities live in `Vec`s and refer to each other by these ids, never by
//! pointers or hash maps, so that iteration order is the order of creation. They sit below
//! both `scenario` and `world`: a scenario names countries by [`CountryId`] as the world does.

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident($repr:ty)) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub $repr);

        impl $name {
            pub fn new(index: usize) -> Self {
                Self(index as $repr)
            }
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// A country: an index into `World::countries` (and `Scenario::countries`).
    CountryId(u16)
);
id_type!(
    /// A trafficker: an index into `World::traffickers`.
    TraffickerId(u32)
);
id_type!(
    /// A network: an index into `World::networks`.
    NetworkId(u32)
);
