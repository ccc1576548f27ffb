//! The `klinik` command line as a person or a script uses it.

use std::process::Command;

fn klinik(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_klinik"));
    c.arg("--data-dir").arg(dir).env_remove("KLINIK_PASSPHRASE").env_remove("KLINIK_RECOVERY_CODE");
    c
}

#[test]
fn init_prints_the_recovery_code_and_the_clinic_reopens_with_it() {
    let d = tempfile::tempdir().expect("tempdir");
    let out = klinik(d.path())
        .args(["init", "--clinic-name", "Fjällkliniken", "--country", "se", "--mode", "journals-with-id"])
        .args(["--owner-name", "Sven Åkesson", "--owner-email", "sven@example.se", "--key-store", "passphrase"])
        .env("KLINIK_PASSWORD", "gula-båtar-vid-bryggan-i-maj")
        .env("KLINIK_PASSPHRASE", "tre-tysta-tranor-över-sjön")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let code = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Recovery code: "))
        .expect("a line starting with 'Recovery code: '")
        .to_owned();
    assert_eq!(code.len(), 39);

    let doctor = klinik(d.path()).arg("doctor").env("KLINIK_RECOVERY_CODE", &code).output().expect("run");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor.status.success(), "{report}");
    assert!(report.contains("integrity:        ok"), "{report}");
    assert!(report.contains("audit chain:      intact"), "{report}");

    let with_pass =
        klinik(d.path()).args(["audit", "verify"]).env("KLINIK_PASSPHRASE", "tre-tysta-tranor-över-sjön").output();
    assert!(with_pass.expect("run").status.success());

    // Without any secret, a passphrase clinic says what it needs (no terminal here).
    let locked = klinik(d.path()).arg("doctor").output().expect("run");
    assert_eq!(locked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&locked.stderr).contains("KLINIK_PASSPHRASE"));
}

#[test]
fn init_refuses_weak_passwords_and_bad_values_without_leaving_files() {
    let d = tempfile::tempdir().expect("tempdir");
    let base = ["init", "--clinic-name", "K", "--owner-name", "A", "--owner-email", "a@example.dk"];
    let cases: [(&[&str], &str, &str); 3] = [
        (&["--country", "dk", "--mode", "notes"], "kort", "too weak"),
        (&["--country", "de", "--mode", "notes"], "lange-gule-bananer-i-kassen", "unknown country"),
        (&["--country", "dk", "--mode", "diary"], "lange-gule-bananer-i-kassen", "unknown journal mode"),
    ];
    for (extra, password, expect) in cases {
        let out = klinik(d.path()).args(base).args(extra).env("KLINIK_PASSWORD", password).output().expect("run");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{err}");
        assert!(!d.path().join("klinik.db").exists() && !d.path().join("keyslots.json").exists());
    }
}

#[test]
fn help_lists_the_subcommands() {
    let out = Command::new(env!("CARGO_BIN_EXE_klinik")).arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["init", "doctor", "audit", "demo", "backup", "restore", "--data-dir"] {
        assert!(text.contains(sub), "{sub} missing from --help");
    }
}

/// `klinik backup` and `klinik restore`: a passphrase clinic backed up, restored into a
/// new folder, where `doctor` finds it whole and the passphrase opens it.
#[test]
fn backup_and_restore_from_the_command_line() {
    let d = tempfile::tempdir().expect("tempdir");
    let live = d.path().join("live");
    let pass = "fem-fede-frøer-fra-fanø";
    let init = klinik(&live)
        .args(["init", "--clinic-name", "Fanø Fod", "--country", "dk", "--mode", "journals"])
        .args(["--owner-name", "Frida Fod", "--owner-email", "frida@example.dk", "--key-store", "passphrase"])
        .env("KLINIK_PASSWORD", "fire-fine-fugle-flyver-forbi")
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let out = d.path().join("usb").join("kopi");
    let backup_as = |password: &str| {
        klinik(&live)
            .args(["backup", "--as", "frida@example.dk", "--out"])
            .arg(&out)
            .env("KLINIK_PASSPHRASE", pass)
            .env("KLINIK_PASSWORD", password)
            .output()
            .expect("run")
    };
    // Holding the clinic's key is not enough: the command signs in as a person.
    let no_person = klinik(&live).args(["backup", "--out"]).arg(&out).env("KLINIK_PASSPHRASE", pass).output();
    assert_eq!(no_person.expect("run").status.code(), Some(2));
    let wrong = backup_as("not-fridas-password-at-all");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!out.exists(), "a refused login made no backup");
    let backup = backup_as("fire-fine-fugle-flyver-forbi");
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(String::from_utf8_lossy(&backup.stdout).contains("audit head seq"));
    // A second backup into the same folder is refused.
    assert_eq!(backup_as("fire-fine-fugle-flyver-forbi").status.code(), Some(2));

    let restored = d.path().join("restored");
    // Without the backup's passphrase or recovery code nothing is restored.
    let refused = klinik(&restored).args(["restore", "--from"]).arg(&out).output().expect("run");
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(!restored.join("klinik.db").exists());
    let restore =
        klinik(&restored).args(["restore", "--from"]).arg(&out).env("KLINIK_PASSPHRASE", pass).output().expect("run");
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let doctor = klinik(&restored).arg("doctor").env("KLINIK_PASSPHRASE", pass).output().expect("run");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor.status.success(), "{report}");
    assert!(report.contains("integrity:        ok") && report.contains("audit chain:      intact"), "{report}");
}

#[test]
fn audit_export_signs_in_as_a_person_and_is_attributed_to_them() {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().join("clinic");
    let pass = "syv-sultne-sæler-på-skæret";
    let init = klinik(&dir)
        .args(["init", "--clinic-name", "Skagen Fys", "--country", "dk", "--mode", "journals"])
        .args(["--owner-name", "Sune Skagen", "--owner-email", "sune@example.dk", "--key-store", "passphrase"])
        .env("KLINIK_PASSWORD", "otte-onde-odder-i-odense")
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let export = |password: &str, out: &std::path::Path| {
        klinik(&dir)
            .args(["audit", "export", "--as", "sune@example.dk", "--format", "csv", "--out"])
            .arg(out)
            .env("KLINIK_PASSPHRASE", pass)
            .env("KLINIK_PASSWORD", password)
            .output()
            .expect("run")
    };
    let refused = d.path().join("refused.csv");
    assert_eq!(export("wrong-password-entirely-here", &refused).status.code(), Some(2));
    assert!(!refused.exists(), "a refused login wrote nothing");
    let first = d.path().join("first.csv");
    let ok = export("otte-onde-odder-i-odense", &first);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let second = d.path().join("second.csv");
    assert!(export("otte-onde-odder-i-odense", &second).status.success());
    let csv = std::fs::read_to_string(&second).expect("export");
    let export_rows: Vec<&str> = csv.lines().filter(|l| l.contains(",audit_export,")).collect();
    assert_eq!(export_rows.len(), 1, "the first export is in the second: {csv}");
    assert!(export_rows[0].contains("Sune Skagen"), "attributed to the person: {}", export_rows[0]);
    assert!(
        csv.contains(",login_failed,") && csv.contains(",login,"),
        "the refused and the good login are in the trail: {csv}"
    );
}

/// The files `klinik bench` would leave in the temp folder `tmp`.
fn plain_copies(tmp: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .expect("temp dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("klinik-bench-plain-"))
        .collect()
}

/// `klinik bench` copies a clinic unencrypted into the temp folder, so it refuses every
/// clinic but a demo, before it copies (or even logs in to) anything.
#[test]
fn bench_refuses_a_real_clinic_and_measures_a_demo() {
    let d = tempfile::tempdir().expect("tempdir");
    let tmp = d.path().join("tmp");
    std::fs::create_dir(&tmp).expect("tmp");
    let real = d.path().join("real");
    let pass = "syv-stille-svaner-på-søen";
    let init = klinik(&real)
        .args(["init", "--clinic-name", "Søklinikken", "--country", "dk", "--mode", "journals"])
        .args(["--owner-name", "Signe Sø", "--owner-email", "signe@example.dk", "--key-store", "passphrase"])
        .env("KLINIK_PASSWORD", "mange-blå-både-i-havnen")
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let refused = klinik(&real)
        .args(["bench", "--iterations", "1"])
        .env("KLINIK_PASSPHRASE", pass)
        .env("TMPDIR", &tmp)
        .output()
        .expect("run");
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("only on a demo clinic"), "{err}");
    assert!(!String::from_utf8_lossy(&refused.stdout).contains("p50_ms"));
    assert!(plain_copies(&tmp).is_empty(), "{:?}", plain_copies(&tmp));

    let demo = d.path().join("demo");
    let made = klinik(&demo)
        .args(["demo", "--clients", "5", "--entries-per-client", "1", "--key-store", "passphrase"])
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let bench = klinik(&demo)
        .args(["bench", "--iterations", "3"])
        .env("KLINIK_PASSPHRASE", pass)
        .env("TMPDIR", &tmp)
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&bench.stdout);
    assert!(bench.status.success(), "{out}\n{}", String::from_utf8_lossy(&bench.stderr));
    for line in
        ["journal_open_raw_plain p50_ms=", "journal_open_raw_plain_durable p50_ms=", "gate_overhead_ratio_durable="]
    {
        assert!(out.contains(line), "{line} missing from\n{out}");
    }
    assert!(out.contains("plain journal_mode=wal synchronous=2"), "{out}");
    // The unencrypted copy and its WAL are gone when the run ends.
    assert!(plain_copies(&tmp).is_empty(), "{:?}", plain_copies(&tmp));
}

/// `klinik invoice …` signs in as a person: the owner lists the demo's invoices, writes one
/// PDF that opens only with the client's PIN (printed only with --show-pin) and exports the
/// period; a practitioner without the invoices right and a wrong password get nothing.
#[test]
fn invoices_from_the_command_line_sign_in_and_stay_behind_the_pin() {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().join("demo");
    let pass = "fire-flinke-fisk-i-fjorden";
    let demo = klinik(&dir)
        .args(["demo", "--clients", "30", "--key-store", "passphrase"])
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let run = |who: &str, password: &str, args: &[&str]| {
        klinik(&dir)
            .args(["invoice"])
            .args(args)
            .args(["--as", who])
            .env("KLINIK_PASSPHRASE", pass)
            .env("KLINIK_PASSWORD", password)
            .output()
            .expect("run")
    };
    let owner = ("mette@fjordklinik.example", "blå-hest-i-fjorden-42");
    let list = run(owner.0, owner.1, &["list", "--show", "outstanding"]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.lines().count() >= 3, "header and outstanding invoices:\n{listed}");
    let pdf = d.path().join("3.pdf");
    let without_pin = run(owner.0, owner.1, &["pdf", "--number", "3", "--out", pdf.to_str().expect("path")]);
    assert!(without_pin.status.success(), "{}", String::from_utf8_lossy(&without_pin.stderr));
    assert!(!String::from_utf8_lossy(&without_pin.stdout).contains("PIN:"), "the PIN only when asked");
    let with_pin = run(owner.0, owner.1, &["pdf", "--number", "3", "--out", pdf.to_str().expect("path"), "--show-pin"]);
    let out = String::from_utf8_lossy(&with_pin.stdout).into_owned();
    let pin = out.lines().find_map(|l| l.strip_prefix("PIN: ")).expect("the PIN").trim().to_owned();
    let text = Command::new("pdftotext").arg("-upw").arg(&pin).arg(&pdf).arg("-").output().expect("pdftotext");
    assert!(text.status.success(), "the PIN opens it");
    assert!(String::from_utf8_lossy(&text.stdout).contains("Fakturanr.: 3"));
    let closed = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    assert!(!closed.status.success(), "closed without the PIN");
    let csv = d.path().join("period.csv");
    let export = run(
        owner.0,
        owner.1,
        &["export", "--from", "2020-01-01", "--to", "2029-12-31", "--out", csv.to_str().expect("p")],
    );
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    assert!(std::fs::read_to_string(&csv).expect("csv").starts_with("\u{feff}type;number;"));
    // A practitioner without the invoices right, and a wrong password: refused, no file.
    let lars_pdf = d.path().join("lars.pdf");
    let lars = run(
        "lars@fjordklinik.example",
        "grå-måger-over-havnen",
        &["pdf", "--number", "3", "--out", lars_pdf.to_str().expect("p")],
    );
    assert_eq!(lars.status.code(), Some(2), "{}", String::from_utf8_lossy(&lars.stderr));
    assert!(!lars_pdf.exists());
    let wrong = run(owner.0, "not-the-password-at-all", &["list"]);
    assert_eq!(wrong.status.code(), Some(2));
}

/// `klinik report …` signs in as a person and shows that person's My page: the owner runs
/// a starter into CSV and PDF; a wrong password gets nothing.
#[test]
fn reports_from_the_command_line_are_the_persons_own() {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().join("demo");
    let pass = "tre-trætte-trolde-i-tønder";
    let demo = klinik(&dir)
        .args(["demo", "--clients", "12", "--key-store", "passphrase"])
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let run = |password: &str, args: &[&str]| {
        klinik(&dir)
            .arg("report")
            .args(args)
            .args(["--as", "mette@fjordklinik.example"])
            .env("KLINIK_PASSPHRASE", pass)
            .env("KLINIK_PASSWORD", password)
            .output()
            .expect("run")
    };
    let list = run("blå-hest-i-fjorden-42", &["list"]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    let id = listed
        .lines()
        .find(|l| l.contains("\tappointments\tlast_month"))
        .and_then(|l| l.split('\t').next())
        .expect("last month's visits on the owner's page")
        .to_owned();
    let csv = d.path().join("month.csv");
    let out = run("blå-hest-i-fjorden-42", &["run", "--id", &id, "--format", "csv", "--out", csv.to_str().expect("p")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert!(text.starts_with("\u{feff}date;time;client;service;practitioner;status\r\n"), "{text}");
    assert!(text.lines().count() > 1, "last month of the demo has visits");
    let pdf = d.path().join("month.pdf");
    let out = run("blå-hest-i-fjorden-42", &["run", "--id", &id, "--format", "pdf", "--out", pdf.to_str().expect("p")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&pdf).expect("pdf").starts_with(b"%PDF-"));
    let refused = d.path().join("refused.csv");
    let wrong = run("wrong-password-for-sure", &["run", "--id", &id, "--out", refused.to_str().expect("p")]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!refused.exists());
}

/// `klinik import clients` and `klinik export client` sign in as an administrator: a dry
/// run prints `row N: reason` and imports nothing; the import brings the clients in; the
/// demo's printed client is exported into a folder with the PDF and the FHIR Bundle; a
/// practitioner may do neither.
#[test]
fn import_and_export_clients_from_the_command_line() {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().join("demo");
    let pass = "fire-flinke-fisk-i-fjorden";
    let demo = klinik(&dir)
        .args(["demo", "--clients", "3", "--key-store", "passphrase"])
        .env("KLINIK_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let printed = String::from_utf8_lossy(&demo.stdout).into_owned();
    let client = printed
        .lines()
        .find_map(|l| l.strip_prefix("A client to export (klinik export client --id): "))
        .and_then(|l| l.split_whitespace().next())
        .expect("klinik demo prints a client id")
        .to_owned();
    let run = |who: &str, password: &str, args: &[&str]| {
        klinik(&dir)
            .args(args)
            .args(["--as", who])
            .env("KLINIK_PASSPHRASE", pass)
            .env("KLINIK_PASSWORD", password)
            .output()
            .expect("run")
    };
    let owner = ("mette@fjordklinik.example", "blå-hest-i-fjorden-42");
    let csv = d.path().join("clients.csv");
    std::fs::write(&csv, "Navn;Telefon;Fødselsdato\nNy Klient;20 20 20 20;01-02-1990\nUden Dato;;32-13-1990\n")
        .expect("csv");
    let file = csv.to_str().expect("p");
    let dry = run(owner.0, owner.1, &["import", "clients", "--file", file, "--dry-run"]);
    let out = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert_eq!(dry.status.code(), Some(1), "a refused row fails the run: {out}");
    assert!(out.contains("row 3: birth date \"32-13-1990\" is not a date"), "{out}");
    std::fs::write(&csv, "Navn;Telefon;Fødselsdato\nNy Klient;20 20 20 20;01-02-1990\n").expect("csv");
    let import = run(owner.0, owner.1, &["import", "clients", "--file", file, "--map", "name=Navn,phone=Telefon"]);
    let out = String::from_utf8_lossy(&import.stdout).into_owned();
    assert!(import.status.success(), "{out}{}", String::from_utf8_lossy(&import.stderr));
    assert!(out.contains("1 rows: imported 1, refused 0"), "{out}");

    let copy = d.path().join("copy");
    let export = run(owner.0, owner.1, &["export", "client", "--id", &client, "--out", copy.to_str().expect("p")]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let fhir = std::fs::read_to_string(copy.join("client-fhir.json")).expect("the FHIR Bundle");
    assert!(fhir.contains("\"resourceType\": \"Patient\"") && fhir.contains("Emil Vestergaard"));
    assert!(std::fs::read(copy.join("client.pdf")).expect("the PDF").starts_with(b"%PDF-"));
    let again = run(owner.0, owner.1, &["export", "client", "--id", &client, "--out", copy.to_str().expect("p")]);
    assert!(!again.status.success(), "never into a folder that holds files");
    let lars = ("lars@fjordklinik.example", "grå-måger-over-havnen");
    let refused =
        run(lars.0, lars.1, &["export", "client", "--id", &client, "--out", d.path().join("l").to_str().expect("p")]);
    assert!(!refused.status.success());
    assert!(!d.path().join("l").join("client.pdf").exists());
    let refused = run(lars.0, lars.1, &["import", "clients", "--file", file]);
    assert!(!refused.status.success());
}

/// `klinik salvage` reads a clinic with its recovery code into CSV files and a report; a
/// wrong code reads nothing.
#[test]
fn salvage_reads_the_clinic_with_the_recovery_code() {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().join("demo");
    let demo = klinik(&dir)
        .args(["demo", "--clients", "2", "--key-store", "passphrase"])
        .env("KLINIK_PASSPHRASE", "syv-sure-svaner-ved-søen")
        .output()
        .expect("run");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let printed = String::from_utf8_lossy(&demo.stdout).into_owned();
    let code = printed.lines().find_map(|l| l.strip_prefix("Recovery code: ")).expect("the code").trim().to_owned();
    let out = d.path().join("salvage");
    let wrong = klinik(&dir)
        .args(["salvage", "--out", out.to_str().expect("p")])
        .env("KLINIK_RECOVERY_CODE", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
        .output()
        .expect("run");
    assert!(!wrong.status.success());
    assert!(!out.join("clients.csv").exists());
    let run = klinik(&dir)
        .args(["salvage", "--out", out.to_str().expect("p")])
        .env("KLINIK_RECOVERY_CODE", &code)
        .output()
        .expect("run");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("clients: "));
    let clients = std::fs::read_to_string(out.join("clients.csv")).expect("clients.csv");
    assert!(clients.contains("Emil Vestergaard"), "{clients}");
    assert!(std::fs::read_to_string(out.join("report.txt")).expect("report").contains("integrity check"));
}
