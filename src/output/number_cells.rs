//! The cells of a row of numbers (a struct of counters, a tuple of them), appended to a line
//! as the `csv` crate would write them, without its per-field machinery.
//!
//! `timeseries.csv` is most of what a run writes: one row of fifty-odd counters per country
//! and week. The `csv` crate formats each number with `itoa` or `ryu` and then passes the
//! digits through its quoting state machine, which costs several times the formatting (8 % of
//! a baseline replicate's instructions went to it). Digits, a sign, a point, an exponent,
//! `NaN` and `inf` never need quoting, so this serializer formats each number with the same
//! crates and appends it directly: the same bytes, which a test checks against the `csv`
//! crate on arbitrary values. Text (scenario and country names) is not accepted here: it goes
//! through the `csv` crate, which knows when to quote.

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Why a value could not be written as number cells: it holds something other than numbers
/// (text, a map, a missing value). A programming error; the row's type decides it.
#[derive(Debug, thiserror::Error)]
#[error("not a row of numbers: {0}")]
pub struct NotNumbers(String);

impl ser::Error for NotNumbers {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        NotNumbers(msg.to_string())
    }
}

/// Appends the cells of `row` (every field a number, in declaration order) to `line`, each
/// preceded by a comma: what follows a row's leading cells.
pub fn append_number_cells<T: Serialize + ?Sized>(
    line: &mut Vec<u8>,
    row: &T,
) -> Result<(), NotNumbers> {
    row.serialize(Cells { line })
}

/// The serializer: a struct or tuple of numbers, fields written in order.
struct Cells<'a> {
    line: &'a mut Vec<u8>,
}

impl Cells<'_> {
    fn cell(self, text: &str) -> Result<(), NotNumbers> {
        self.line.push(b',');
        self.line.extend_from_slice(text.as_bytes());
        Ok(())
    }

    fn integer(self, v: impl itoa::Integer) -> Result<(), NotNumbers> {
        self.cell(itoa::Buffer::new().format(v))
    }

    fn float(self, v: impl ryu::Float) -> Result<(), NotNumbers> {
        // `format`, not `format_finite`: what the `csv` crate writes for NaN and infinities.
        self.cell(ryu::Buffer::new().format(v))
    }
}

/// The refusal of anything but numbers, structs and tuples.
fn refuse<T>(what: &str) -> Result<T, NotNumbers> {
    Err(NotNumbers(what.to_string()))
}

/// `Serializer` methods that write a number of their type as a cell, by `integer` or `float`.
macro_rules! numbers {
    ($($method:ident: $type:ty => $write:ident),* $(,)?) => {
        $(fn $method(self, v: $type) -> Result<(), NotNumbers> {
            self.$write(v)
        })*
    };
}

impl ser::Serializer for Cells<'_> {
    type Ok = ();
    type Error = NotNumbers;
    type SerializeSeq = Impossible<(), NotNumbers>;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Impossible<(), NotNumbers>;
    type SerializeTupleVariant = Impossible<(), NotNumbers>;
    type SerializeMap = Impossible<(), NotNumbers>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotNumbers>;

    numbers!(
        serialize_u8: u8 => integer,
        serialize_u16: u16 => integer,
        serialize_u32: u32 => integer,
        serialize_u64: u64 => integer,
        serialize_i8: i8 => integer,
        serialize_i16: i16 => integer,
        serialize_i32: i32 => integer,
        serialize_i64: i64 => integer,
        serialize_f32: f32 => float,
        serialize_f64: f64 => float,
    );

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotNumbers> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, NotNumbers> {
        Ok(self)
    }

    fn serialize_bool(self, _: bool) -> Result<(), NotNumbers> {
        refuse("a boolean")
    }
    fn serialize_char(self, _: char) -> Result<(), NotNumbers> {
        refuse("a character")
    }
    fn serialize_str(self, _: &str) -> Result<(), NotNumbers> {
        refuse("text")
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), NotNumbers> {
        refuse("bytes")
    }
    fn serialize_none(self) -> Result<(), NotNumbers> {
        refuse("a missing value")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), NotNumbers> {
        refuse("an optional value")
    }
    fn serialize_unit(self) -> Result<(), NotNumbers> {
        refuse("a unit")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NotNumbers> {
        refuse("a unit struct")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NotNumbers> {
        refuse("an enum")
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotNumbers> {
        refuse("a newtype")
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotNumbers> {
        refuse("an enum")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotNumbers> {
        refuse("a sequence")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotNumbers> {
        refuse("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotNumbers> {
        refuse("an enum")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotNumbers> {
        refuse("a map")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotNumbers> {
        refuse("an enum")
    }
}

impl ser::SerializeStruct for Cells<'_> {
    type Ok = ();
    type Error = NotNumbers;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotNumbers> {
        value.serialize(Cells { line: self.line })
    }

    fn end(self) -> Result<(), NotNumbers> {
        Ok(())
    }
}

impl ser::SerializeTuple for Cells<'_> {
    type Ok = ();
    type Error = NotNumbers;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NotNumbers> {
        value.serialize(Cells { line: self.line })
    }

    fn end(self) -> Result<(), NotNumbers> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The `csv` crate's line for `row`, without its line end.
    fn csv_line<T: Serialize>(row: &T) -> String {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.serialize(row).unwrap();
        let bytes = w.into_inner().unwrap();
        String::from_utf8(bytes)
            .unwrap()
            .trim_end_matches('\n')
            .to_string()
    }

    /// This module's cells for `row`, with the leading comma of the first taken off.
    fn cells_line<T: Serialize>(row: &T) -> String {
        let mut line = Vec::new();
        append_number_cells(&mut line, row).unwrap();
        String::from_utf8(line[1..].to_vec()).unwrap()
    }

    #[derive(Serialize)]
    struct Mixed {
        a: u32,
        b: f64,
        c: u64,
        d: i32,
        e: f32,
        f: u8,
    }

    proptest! {
        #[test]
        fn the_same_bytes_as_the_csv_crate(
            a in any::<u32>(),
            b in any::<f64>(),
            c in any::<u64>(),
            d in any::<i32>(),
            e in any::<f32>(),
            f in any::<u8>(),
        ) {
            let row = Mixed { a, b, c, d, e, f };
            prop_assert_eq!(cells_line(&row), csv_line(&row));
        }
    }

    #[test]
    fn edge_values_and_the_counters_are_written_as_the_csv_crate_writes_them() {
        for v in [
            0.0,
            -0.0,
            1e-7,
            1.5e17,
            1e21,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            f64::MAX,
        ] {
            assert_eq!(cells_line(&(v, 0u32)), csv_line(&(v, 0u32)), "{v}");
        }
        let counters = crate::metrics::WeekCounters {
            at_home: 14_751,
            revenue: 1234.5,
            bribes_paid: 0.1 + 0.2,
            transit_flow: u32::MAX,
            ..Default::default()
        };
        assert_eq!(cells_line(&counters), csv_line(&counters));
    }

    #[test]
    fn anything_but_numbers_is_refused() {
        let mut line = Vec::new();
        assert!(append_number_cells(&mut line, &(1u32, "text")).is_err());
        assert!(append_number_cells(&mut line, &Some(1u32)).is_err());
        assert!(append_number_cells(&mut line, &true).is_err());
    }
}
