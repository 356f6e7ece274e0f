//! What a file is, decided from its first bytes, so that a video, a PDF or a
//! zip archive is refused at once instead of being read to the end.

/// How many bytes are looked at to decide the kind, encoding and delimiter.
pub const HEAD_LEN: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A zip container: an .xlsx workbook, or some other archive.
    Zip,
    /// Text: a CSV (or something that must prove it is one).
    Text(Encoding),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    /// Not valid UTF-8: Excel's "CSV (Comma delimited)" on Windows.
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// Decides the kind of file from its head, or says what it is instead.
pub fn sniff(head: &[u8]) -> Result<Kind, String> {
    let starts = |m: &[u8]| head.starts_with(m);
    if starts(b"PK\x03\x04") {
        return Ok(Kind::Zip);
    }
    if starts(b"\xEF\xBB\xBF") {
        return Ok(Kind::Text(Encoding::Utf8Bom));
    }
    if starts(b"\xFF\xFE") {
        return Ok(Kind::Text(Encoding::Utf16Le));
    }
    if starts(b"\xFE\xFF") {
        return Ok(Kind::Text(Encoding::Utf16Be));
    }
    let what = if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some(
            "a password-protected workbook or an old .xls file: open it in Excel, remove the password \
             (File > Info > Protect Workbook) and save it as .xlsx or CSV UTF-8",
        )
    } else if starts(b"%PDF") {
        Some("a PDF document, not a survey export: export the responses as .xlsx or CSV")
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        Some("a video or audio file (MP4/MOV), not a survey export")
    } else if starts(b"\x1A\x45\xDF\xA3") {
        Some("a video file (Matroska/WebM), not a survey export")
    } else if starts(b"RIFF") {
        Some("a media file (AVI/WAV), not a survey export")
    } else if starts(b"\x89PNG") || starts(b"\xFF\xD8\xFF") || starts(b"GIF8") {
        Some("an image, not a survey export")
    } else if starts(b"\x1F\x8B") || starts(b"7z\xBC\xAF") || starts(b"Rar!") {
        Some("a compressed archive, not a survey export: extract it first")
    } else if head.contains(&0) {
        Some("a binary file (it contains NUL bytes), not a CSV or .xlsx survey export")
    } else {
        None
    };
    if let Some(w) = what {
        return Err(w.to_string());
    }
    Ok(Kind::Text(if utf8_prefix_ok(head) {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    }))
}

/// True when `head` is valid UTF-8, allowing a character cut off at the end.
fn utf8_prefix_ok(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// The delimiter of a CSV from its first line: whichever of `,` `;` and tab
/// occurs most outside quotes. Excel in many European locales writes `;`.
pub fn delimiter(first_line: &str) -> u8 {
    let (mut comma, mut semi, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semi += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab > semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(Kind::Zip));
        assert_eq!(sniff(b"ID,Name\n1,x"), Ok(Kind::Text(Encoding::Utf8)));
        assert_eq!(sniff(b"\xEF\xBB\xBFID"), Ok(Kind::Text(Encoding::Utf8Bom)));
        assert_eq!(sniff(b"Guy\x92s"), Ok(Kind::Text(Encoding::Windows1252)));
        // A multi-byte character cut by the head's end is still UTF-8.
        assert_eq!(
            sniff("Guy’s".as_bytes()[..5].as_ref()),
            Ok(Kind::Text(Encoding::Utf8))
        );
        assert!(sniff(b"%PDF-1.7").unwrap_err().contains("PDF"));
        assert!(sniff(b"\0\0\0\x20ftypisom").unwrap_err().contains("video"));
        assert!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
                .unwrap_err()
                .contains("password")
        );
        assert!(sniff(b"abc\0def").unwrap_err().contains("binary"));
    }

    #[test]
    fn delimiter_outside_quotes() {
        assert_eq!(delimiter("a,b,c"), b',');
        assert_eq!(delimiter("a;b;c"), b';');
        assert_eq!(delimiter("\"x, y, z\";b;c"), b';');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("single"), b',');
    }
}
