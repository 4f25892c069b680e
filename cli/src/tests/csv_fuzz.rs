//! Tests of `import_file.rs`: the encodings and the header, and a bounded fuzz run of
//! the roster, life, deeds and findings readers — the functions their imports call —
//! over thousands of mutated and random files: none may panic, and every refusal is
//! in Chinese.

use crate::command::history::{parse_findings, parse_life};
use crate::command::records::parse_deeds;
use crate::command::roster::parse_roster;
use crate::failure::Failure;
use crate::import_file::Source;

/// A CSV file's bytes as an import reads them.
fn csv(name: &str, bytes: &[u8]) -> Source {
    Source { name: name.to_owned(), bytes: bytes.to_vec(), sheet: None }
}

const ROSTER: &str = "姓名,党员编号,身份,职务,类别,流动党员,最近报到\n𠮷野,m01,教师,支部书记,正式,否,\n䶮,m02,学生,普通党员,预备,是,2026-10-15\n王𬭎,m03,教师,普通党员,正式,否,\n阿依古丽·买买提,m04,学生,普通党员,正式,否,\n";
const LIFE: &str = "党员编号,日期,出席情况,备注\nm01,2026-10-10,出席,\nm02,2026-10-10,请假,\"出差，外地\"\n";
const DEEDS: &str = "党员编号,姓名,类别,形式,日期,内容\nm01,𠮷野,带头服务群众,,2026-10-20,为独居老人维修家电\n,䶮,带头学习提高,重要任务,,\"完成党史学习，撰写心得\"\n";
const FINDINGS: &str = "党员编号,姓名,条款,日期,事实,正在调查,处分期截止\nm01,,x3,2026-06-01,受党内警告处分,否,2027-06-01\n,王𬭎,x6,2026-11-01,值班擅离岗位,,\n";

fn message(f: &Failure) -> String {
    crate::messages::text(f)
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn utf8_with_and_without_bom_and_gb18030_read_the_same_characters() {
    let plain = parse_roster(&csv("a.csv", ROSTER.as_bytes())).expect("utf-8").0;
    let bom = parse_roster(&csv("a.csv", &[b"\xEF\xBB\xBF".as_slice(), ROSTER.as_bytes()].concat())).expect("bom").0;
    let gb = parse_roster(&csv("a.csv", &gbk(ROSTER))).expect("gb18030").0;
    assert_eq!(plain, bom);
    assert_eq!(plain, gb);
    assert_eq!(plain.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["𠮷野", "䶮", "王𬭎", "阿依古丽·买买提"]);
}

#[test]
fn a_file_neither_utf8_nor_gbk_is_refused_saying_how_to_save_it() {
    for bytes in [b"\xff\xfe\x00a".as_slice(), b"\x80\x80\x80,\xff".as_slice()] {
        let e = parse_roster(&csv("a.csv", bytes)).map(|_| ()).expect_err("undecodable");
        let text = message(&e);
        assert!(text.contains("UTF-8") && text.contains("另存为"), "{text}");
        assert!(!text.to_lowercase().contains("invalid"), "{text}");
    }
}

#[test]
fn a_headerless_file_is_refused_naming_the_header_expected() {
    let e = parse_life(&csv("life.csv", "m01,2026-10-10,出席,\n".as_bytes()), false).map(|_| ()).expect_err("no header");
    let text = message(&e);
    assert!(text.contains("第一行不是表头") && text.contains("党员编号,日期,出席情况,备注"), "{text}");
}

#[test]
fn bad_cells_are_named_by_line_and_column_and_nothing_is_read() {
    let file = "姓名,党员编号,身份,职务,类别\n张三,m01,教师,普通党员,正式\n李\u{1b}四,m02,教师,普通党员,正式\n王五,m\u{200b}03,教师,普通党员,正式\n";
    let text = message(&parse_roster(&csv("r.csv", file.as_bytes())).map(|_| ()).expect_err("bad cells"));
    assert!(text.contains("第 3 行「姓名」列") && text.contains("U+001B"), "{text}");
    assert!(text.contains("第 4 行「党员编号」列") && text.contains("U+200B"), "{text}");
}

#[test]
fn a_file_naming_members_needs_an_id_or_a_name_column_and_each_row_one_of_them() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).expect("a date");
    let (rows, by_id, _) = parse_deeds(&csv("d.csv", DEEDS.as_bytes()), today).expect("deeds");
    assert_eq!(by_id, [true, false]);
    assert_eq!((rows[1].member.given.as_str(), rows[1].deed.date, rows[1].deed.form.map(|f| f.to_string())), ("䶮", today, Some("重要任务".to_owned())));
    let text = message(&parse_deeds(&csv("d.csv", "类别,内容\n带头服务群众,维修家电\n".as_bytes()), today).map(|_| ()).expect_err("no member column"));
    assert!(text.contains("缺少列：党员编号 或 姓名"), "{text}");
    let text = message(&parse_findings(&csv("f.csv", "党员编号,姓名,条款,日期,事实\n,,x3,2026-06-01,受处分\n".as_bytes())).map(|_| ()).expect_err("no member"));
    assert!(text.contains("第 2 行：党员编号和姓名都为空"), "{text}");
}

/// xorshift64*: the fuzz run is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPECIAL: &[u8] = b"\",\r\n\x00\x1b\xef\xbb\xbf\xff\xfe\x81\x30\x84\x31\xa1\xe2\x80\xae";

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(7) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 => b.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            2 => b.insert(at, rng.next() as u8),
            3 => b.truncate(at),
            4 => {
                let end = (at + rng.below(16)).min(b.len());
                b.drain(at..end);
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let piece = other[from..(from + rng.below(40)).min(other.len())].to_vec();
                b.splice(at..at, piece);
            }
            _ => {
                let end = (at + rng.below(24)).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece.iter().copied().chain(piece.iter().copied()).collect::<Vec<_>>());
            }
        }
    }
    b
}

fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn fuzzed_files_never_panic_and_are_refused_in_chinese() {
    let started = std::time::Instant::now();
    let seeds: Vec<Vec<u8>> = vec![
        ROSTER.as_bytes().to_vec(),
        gbk(ROSTER),
        [b"\xEF\xBB\xBF".as_slice(), ROSTER.as_bytes()].concat(),
        LIFE.as_bytes().to_vec(),
        gbk(LIFE),
        DEEDS.as_bytes().to_vec(),
        gbk(FINDINGS),
        b"member,date,status,note\nm01,2026-10-10,present,\n".to_vec(),
        b"m01,2026-10-10,present,\n".to_vec(),
        Vec::new(),
    ];
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let (mut runs, mut accepted) = (0, 0);
    for i in 0..4000 {
        let bytes = if i % 10 == 0 { (0..rng.below(300)).map(|_| rng.next() as u8).collect() } else { mutate(&mut rng, &seeds) };
        let file = csv("f.csv", &bytes);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).expect("a date");
        let results = [
            parse_roster(&file).map(|_| ()),
            parse_life(&file, false).map(|_| ()),
            parse_deeds(&file, today).map(|_| ()),
            parse_findings(&file).map(|_| ()),
        ];
        for result in results {
            runs += 1;
            match result {
                Ok(()) => accepted += 1,
                Err(e) => {
                    let text = message(&e);
                    assert!(chinese(&text), "not Chinese for {bytes:?}: {text}");
                    assert!(!text.to_lowercase().contains("invalid utf-8"), "{text}");
                }
            }
        }
    }
    assert_eq!(runs, 16000);
    assert!(accepted > 0, "some mutated files are still good files");
    assert!(started.elapsed().as_secs() < 15, "fuzz run took {:?}", started.elapsed());
}

#[test]
fn workbook_columns_are_named_by_their_letters() {
    let letters: Vec<String> = [0, 4, 25, 26, 27, 701, 702].map(super::column_letter).to_vec();
    assert_eq!(letters, ["A", "E", "Z", "AA", "AB", "ZZ", "AAA"]);
}
