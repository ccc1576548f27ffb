//! PDF pages made of text and rules, in the standard Helvetica fonts (WinAnsi encoding:
//! Danish, Swedish and Norwegian letters included; a character outside it prints as "?"),
//! optionally encrypted with AES-256 under the PDF 2.0 security handler (revision 6).
//! Invoices and reports are laid out with these; nothing here knows either.

use crate::{Error, Result};
use lopdf::content::{Content, Operation};
use lopdf::encryption::crypt_filters::{Aes256CryptFilter, CryptFilter};
use lopdf::{dictionary, Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream, StringFormat};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Text in WinAnsi (the standard fonts' encoding): Latin-1 as it is, a few typographic
/// marks at their WinAnsi places, anything else "?".
pub(crate) fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '€' => 0x80,
            '–' => 0x96,
            '—' => 0x97,
            '•' => 0x95,
            '\u{2019}' => 0x92,
            c if (c as u32) >= 0x20 && (c as u32) < 0x7f => c as u8,
            c if (c as u32) >= 0xa0 && (c as u32) <= 0xff => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

/// The width of `s` in Helvetica at `size` (the digits and separators amounts are made of
/// exactly, other text approximately), for right-aligned columns.
pub(crate) fn width(s: &str, size: f32) -> f32 {
    let units: u32 = s
        .chars()
        .map(|c| match c {
            '0'..='9' => 556,
            '.' | ',' | ' ' => 278,
            '-' => 333,
            '%' => 889,
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// Cuts `s` to about `max` points at `size`.
pub(crate) fn fit(s: &str, max: f32, size: f32) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if width(&format!("{out}{c}…"), size) > max {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// Breaks `s` into lines of about `max` points at `size`, at spaces where it can (a word
/// longer than a line is cut), keeping the text's own line breaks.
pub(crate) fn wrap(s: &str, max: f32, size: f32) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in s.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            let mut rest = word.to_owned();
            while width(&rest, size) > max {
                let cut = fit(&rest, max, size);
                let kept = cut.trim_end_matches('…').chars().count().max(1);
                out.push(rest.chars().take(kept).collect());
                rest = rest.chars().skip(kept).collect();
            }
            line = rest;
        }
        out.push(line);
    }
    out
}

/// One page's drawing operations.
#[derive(Default)]
pub(crate) struct Page {
    ops: Vec<Operation>,
}

impl Page {
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, s: &str) {
        self.ops.push(Operation::new("BT", vec![]));
        self.ops.push(Operation::new("Tf", vec![if bold { "F2" } else { "F1" }.into(), size.into()]));
        self.ops.push(Operation::new("Td", vec![x.into(), y.into()]));
        self.ops.push(Operation::new("Tj", vec![Object::string_literal(win_ansi(s))]));
        self.ops.push(Operation::new("ET", vec![]));
    }
    pub(crate) fn right(&mut self, x: f32, y: f32, size: f32, bold: bool, s: &str) {
        self.text(x - width(s, size), y, size, bold, s);
    }
    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.ops.push(Operation::new("w", vec![0.5.into()]));
        self.ops.push(Operation::new("m", vec![x1.into(), y.into()]));
        self.ops.push(Operation::new("l", vec![x2.into(), y.into()]));
        self.ops.push(Operation::new("S", vec![]));
    }
}

/// The document of `pages` (each `media_box` in points), encrypted with `password` when
/// given (the owner password is random and thrown away).
pub(crate) fn build(pages: Vec<Page>, media_box: [f32; 4], password: Option<&str>) -> Result<Vec<u8>> {
    use rand::RngCore;
    let mut doc = Document::with_version("2.0");
    let pages_id = doc.new_object_id();
    let font = |doc: &mut Document, name: &str| {
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding",
        })
    };
    let regular = font(&mut doc, "Helvetica");
    let bold = font(&mut doc, "Helvetica-Bold");
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let mut kids = Vec::new();
    for page in pages {
        let content = Content { operations: page.ops }.encode().map_err(pdf_error)?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources,
            "MediaBox" => media_box.iter().map(|v| Object::from(*v)).collect::<Vec<_>>(),
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut rng = rand::rngs::OsRng;
    let mut file_id = [0u8; 16];
    rng.fill_bytes(&mut file_id);
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(file_id.to_vec(), StringFormat::Hexadecimal),
            Object::String(file_id.to_vec(), StringFormat::Hexadecimal),
        ]),
    );
    doc.compress();
    if let Some(pin) = password {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        let mut owner = [0u8; 32];
        rng.fill_bytes(&mut owner);
        let owner = hex::encode(owner);
        let filter: Arc<dyn CryptFilter> = Arc::new(Aes256CryptFilter);
        let version = EncryptionVersion::V5 {
            encrypt_metadata: true,
            crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), filter)]),
            file_encryption_key: &key,
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password: &owner,
            user_password: pin,
            permissions: Permissions::PRINTABLE
                | Permissions::PRINTABLE_IN_HIGH_QUALITY
                | Permissions::COPYABLE_FOR_ACCESSIBILITY,
        };
        let state = EncryptionState::try_from(version).map_err(pdf_error)?;
        doc.encrypt(&state).map_err(pdf_error)?;
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(pdf_error)?;
    Ok(out)
}

pub(crate) fn pdf_error(e: impl std::fmt::Display) -> Error {
    Error::Storage(format!("the invoice PDF could not be made: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nordic_letters_keep_their_winansi_codes() {
        assert_eq!(
            win_ansi("æøåÆØÅäöÄÖ§€"),
            vec![0xe6, 0xf8, 0xe5, 0xc6, 0xd8, 0xc5, 0xe4, 0xf6, 0xc4, 0xd6, 0xa7, 0x80]
        );
        assert_eq!(win_ansi("Ω"), b"?");
    }
}
