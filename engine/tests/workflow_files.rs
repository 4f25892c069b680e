//! Workflow files: the shipped `workflows/*.ron` load and follow the notice, and
//! every broken file under `tests/workflows/` is refused with the expected errors.
//!
//! Refusals are golden files: `err/<case>.ron` is loaded and its problems, one a
//! line as ``file:line:col `underlined text` Problem { … }`` (the typed value, not
//! its wording, which is the CLI's), are compared with `err/<case>.expected`. Run
//! with `SHINE_BLESS=1` to write the expected files after checking by eye that the
//! new problems are right.

use std::path::{Path, PathBuf};

use shine_engine::rules::RuleKind;
use shine_engine::workflow::{
    check_together, Action, Disclosed, Effect, Escalation, Next, RecordKind, RoleUser, Sending, Workflow, WorkflowErrors, WorkflowProblem,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn quarter() -> Workflow {
    let text = read(&repo().join("workflows/quarter.ron"));
    match Workflow::load("workflows/quarter.ron", &text) {
        Ok(workflow) => workflow,
        Err(errors) => panic!("workflows/quarter.ron is refused:\n{}", render(&errors)),
    }
}

fn escalation() -> Escalation {
    let text = read(&repo().join("workflows/escalation.ron"));
    match Escalation::load("workflows/escalation.ron", &text) {
        Ok(escalation) => escalation,
        Err(errors) => panic!("workflows/escalation.ron is refused:\n{}", render(&errors)),
    }
}

/// One line a problem: where it is, the text underlined, and the problem as data.
fn render(errors: &WorkflowErrors) -> String {
    let mut out = String::new();
    for error in &errors.errors {
        let place = &error.place;
        assert_eq!(place.file, errors.file, "every problem is placed in the file reported");
        let underlined: String = place.line_text.chars().skip(place.col - 1).take(place.width()).collect();
        out.push_str(&format!("{} `{underlined}` {:?}\n", place.position(), error.problem));
    }
    out
}

/// Loads `tests/workflows/<dir>/<case>.ron` with `load`, expects it refused, and
/// compares the errors with `<case>.expected`.
fn refused<T: std::fmt::Debug>(dir: &str, case: &str, load: fn(&str, &str) -> Result<T, WorkflowErrors>) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workflows").join(dir);
    let name = format!("{dir}/{case}.ron");
    let errors = match load(&name, &read(&base.join(format!("{case}.ron")))) {
        Ok(loaded) => panic!("{name} should be refused, but loaded as {loaded:?}"),
        Err(errors) => render(&errors),
    };
    let expected_path = base.join(format!("{case}.expected"));
    if std::env::var_os("SHINE_BLESS").is_some() {
        std::fs::write(&expected_path, &errors).unwrap_or_else(|error| panic!("cannot write: {error}"));
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(errors, expected, "errors of {name} differ from {case}.expected (SHINE_BLESS=1 rewrites it)");
}

fn workflow(case: &str) {
    refused("err", case, Workflow::load);
}

fn chain(case: &str) {
    refused("escalation_err", case, Escalation::load);
}

/// A workflow that loads but does not fit the shipped escalation file.
fn together(case: &str) {
    refused("together_err", case, |name, text| {
        let workflow = Workflow::load(name, text)?;
        check_together(&workflow, &escalation()).map(|()| workflow)
    });
}

/// The path of the quarter when every tally selects: (state, clause) pairs.
fn selected_path(workflow: &Workflow) -> Vec<(String, String)> {
    let mut path = Vec::new();
    let mut at = workflow.start.clone();
    while let Some(state) = workflow.state(&at) {
        path.push((state.id.clone(), state.clause.clone()));
        let Some(step) = workflow.step_from(&at) else { break };
        at = match &step.next {
            Next::To(to) => to.clone(),
            Next::Outcomes { selected, .. } => selected.clone(),
        };
        assert!(path.len() <= workflow.states.len(), "the selected path loops at `{at}`");
    }
    path
}

#[test]
fn quarter_follows_s3_2_then_s4_2_a_then_s3_3_then_s3_4_then_s4_2_b() {
    let workflow = quarter();
    let path = selected_path(&workflow);
    let pairs: Vec<(&str, &str)> = path.iter().map(|(s, c)| (s.as_str(), c.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("registering", "§3.2"),
            ("reporting", "§4.2.a"),
            ("meeting", "§3.2"),
            ("exchange", "§3.2"),
            ("commentary", "§3.3"),
            ("voting", "§3.4"),
            ("tallied", "§3.4"),
            ("reported", "§4.2.b"),
        ]
    );
    let mut clauses: Vec<&str> = Vec::new();
    for (_, clause) in &pairs {
        if !clauses.contains(clause) {
            clauses.push(clause);
        }
    }
    assert_eq!(clauses, ["§3.2", "§4.2.a", "§3.3", "§3.4", "§4.2.b"]);
    assert!(workflow.state("reported").is_some_and(|state| state.terminal));
}

#[test]
fn s3_2_deeds_are_registered_before_the_meeting_is_reported() {
    let workflow = quarter();
    assert!(workflow.accepts("registering", RecordKind::Deed));
    assert!(workflow.accepts("registering", RecordKind::DeedExcuse));
    assert!(!workflow.accepts("voting", RecordKind::Deed));
    let step = workflow.step_from("registering").expect("a step leaves `registering`");
    assert_eq!(step.roles, ["member", "branch_secretary"]);
}

#[test]
fn s4_2_a_the_meeting_is_reported_to_the_superior_before_it_is_held() {
    let workflow = quarter();
    let report = workflow.step_from("reporting").expect("a step leaves `reporting`");
    assert_eq!(report.accepts, [RecordKind::MeetingReport]);
    assert_eq!(report.guards, ["meeting_reported", "meeting_reported_ahead"]);
    assert_eq!(report.next, Next::To("meeting".into()));
    let meeting = workflow.step_from("meeting").expect("a step leaves `meeting`");
    assert_eq!(meeting.accepts, [RecordKind::Attendance, RecordKind::Guests]);
}

#[test]
fn s3_4_the_recommendation_needs_every_comment_and_a_quorum() {
    let workflow = quarter();
    let comment = workflow.step_from("commentary").expect("a step leaves `commentary`");
    assert_eq!(comment.guards, ["all_commented", "quorum", "life_recorded"]);
    assert_eq!(comment.next, Next::To("voting".into()));
}

#[test]
fn s3_4_ballots_are_tallied_and_a_tie_goes_to_a_runoff() {
    let workflow = quarter();
    for state in ["voting", "runoff"] {
        let step = workflow.step_from(state).expect("a step leaves the ballot");
        assert_eq!(step.effect, Some(Effect::Tally));
        assert_eq!(step.next, Next::Outcomes { selected: "tallied".into(), runoff: "runoff".into() });
        assert_eq!(step.guards, ["ballots_recorded", "round_valid"]);
    }
    let ballots: Vec<&str> = workflow.steps_accepting(RecordKind::Ballot).iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ballots, ["tally", "tally_runoff"]);
}

#[test]
fn s4_2_b_the_result_is_written_to_the_ledger_and_filed() {
    let workflow = quarter();
    let step = workflow.step_from("tallied").expect("a step leaves `tallied`");
    assert_eq!(step.effect, Some(Effect::Ledger));
    assert_eq!(step.next, Next::To("reported".into()));
    assert!(workflow.step_from("reported").is_none());
}

#[test]
fn every_state_and_step_of_the_quarter_cites_a_clause_and_names_known_roles() {
    let workflow = quarter();
    assert!(workflow.states.iter().all(|state| state.clause.starts_with('§')));
    for step in &workflow.steps {
        assert!(step.clause.starts_with('§'), "step `{}`", step.id);
        assert!(step.roles.iter().all(|role| workflow.role(role).is_some()), "step `{}`", step.id);
    }
    assert_eq!(workflow.role("general_branch").map(|role| role.title.as_str()), Some("党总支"));
}

#[test]
fn the_hash_is_the_sha256_of_the_file_text() {
    let workflow = quarter();
    assert_eq!(workflow.hash().len(), 64);
    assert_eq!(workflow.hash(), quarter().hash());
    let edited = read(&repo().join("workflows/quarter.ron")).replace("计票，", "计票：");
    let other = Workflow::load("workflows/quarter.ron", &edited).expect("the edited file loads");
    assert_ne!(other.hash(), workflow.hash());
}

#[test]
fn check_guards_accepts_the_quarter_when_every_rule_exists() {
    let known = [
        "meeting_reported",
        "meeting_reported_ahead",
        "attendance_recorded",
        "activists_attended",
        "all_commented",
        "quorum",
        "life_recorded",
        "ballots_recorded",
        "round_valid",
    ];
    assert!(quarter().check_guards(&|rule| known.contains(&rule)).is_ok());
}

#[test]
fn check_guards_refuses_a_guard_naming_an_unknown_rule() {
    let known = [
        "meeting_reported",
        "meeting_reported_ahead",
        "attendance_recorded",
        "activists_attended",
        "all_commented",
        "life_recorded",
        "ballots_recorded",
        "round_valid",
    ];
    let errors = match quarter().check_guards(&|rule| known.contains(&rule)) {
        Ok(()) => panic!("`quorum` is not a known rule, yet the guards pass"),
        Err(errors) => render(&errors),
    };
    assert_eq!(
        errors,
        "workflows/quarter.ron:84:39 `\"quorum\"` UnknownGuard { step: \"comment_on_members\", rule: \"quorum\" }\n"
    );}

#[test]
fn refuses_a_state_unreachable_from_the_start() {
    workflow("unreachable_state");
}

#[test]
fn refuses_a_dead_end_that_is_not_terminal() {
    workflow("dead_end");
}

#[test]
fn refuses_a_step_naming_an_unknown_role() {
    workflow("unknown_role");
}

#[test]
fn refuses_unknown_start_and_target_states() {
    workflow("unknown_state");
}

#[test]
fn refuses_a_loop_with_no_way_out_to_a_terminal_state() {
    workflow("cycle_without_exit");
}

#[test]
fn refuses_a_duplicate_state_id() {
    workflow("duplicate_id");
}

#[test]
fn refuses_a_syntax_error_at_its_position() {
    workflow("syntax_error");
}

#[test]
fn refuses_two_steps_leaving_one_state() {
    workflow("two_steps_from_one_state");
}

#[test]
fn refuses_a_step_leaving_a_terminal_state() {
    workflow("terminal_with_step");
}

#[test]
fn refuses_a_tally_without_outcomes_and_outcomes_without_a_tally() {
    workflow("tally_without_outcomes");
}

#[test]
fn s4_2_b_a_branch_reports_through_its_general_branch_to_the_province() {
    let escalation = escalation();
    let chain: Vec<&str> = escalation.chain("branch").iter().map(|level| level.id.as_str()).collect();
    assert_eq!(chain, ["branch", "general_branch", "organization_department", "provincial_education_committee"]);
    assert_eq!(escalation.top, "provincial_education_committee");
}

#[test]
fn s4_2_b_a_directly_affiliated_branch_reports_straight_to_the_organization_department() {
    let escalation = escalation();
    let chain: Vec<&str> =
        escalation.chain("directly_affiliated_branch").iter().map(|level| level.id.as_str()).collect();
    assert_eq!(chain, ["directly_affiliated_branch", "organization_department", "provincial_education_committee"]);
}

#[test]
fn s4_3_d_general_branches_and_the_organization_department_pick_before_forwarding() {
    let escalation = escalation();
    for id in ["general_branch", "organization_department"] {
        let level = escalation.level(id).expect("the level exists");
        let actions: Vec<Action> = level.steps.iter().map(|step| step.action).collect();
        assert!(actions.contains(&Action::Pick), "`{id}` picks");
        assert_eq!(actions.last(), Some(&Action::Forward), "`{id}` forwards last");
    }
}

#[test]
fn escalation_refuses_levels_reporting_to_each_other_in_a_loop() {
    chain("loop");
}

#[test]
fn escalation_refuses_unknown_levels_and_roles() {
    chain("unknown_level_and_role");
}

#[test]
fn escalation_refuses_a_second_top_level() {
    chain("two_tops");
}

#[test]
fn escalation_refuses_a_kind_of_unit_mapped_by_two_levels() {
    chain("kind_mapped_twice");
}

#[test]
fn escalation_refuses_reporting_past_the_organization_tree_and_an_unknown_kind() {
    chain("reports_not_as_the_tree");
}

#[test]
fn escalation_refuses_send_off_forward_and_rules_off_pick_and_publish() {
    chain("send_and_rules_on_the_wrong_steps");
}

#[test]
fn s4_3_d_levels_map_to_the_organization_tree() {
    let escalation = escalation();
    let id = |kind| escalation.level_for_kind(kind).map(|level| level.id.as_str());
    assert_eq!(id("branch"), Some("branch"));
    assert_eq!(id("general_branch"), Some("general_branch"));
    assert_eq!(id("direct_branch"), Some("directly_affiliated_branch"));
    assert_eq!(id("committee"), Some("organization_department"));
    assert_eq!(id("province"), None);
    assert_eq!(escalation.top_level().id, "provincial_education_committee");
    assert_eq!(escalation.top_level().units, None);
}

#[test]
fn s4_1_the_kinds_of_unit_and_who_sits_under_whom_come_from_escalation_ron() {
    let escalation = escalation();
    let kinds: Vec<(&str, &str)> = escalation.kinds().iter().map(|kind| (kind.id.as_str(), kind.title.as_str())).collect();
    assert_eq!(
        kinds,
        [("committee", "校党委"), ("general_branch", "党总支"), ("direct_branch", "直属党支部"), ("branch", "党支部")]
    );
    assert_eq!(escalation.root_kind().id, "committee");
    assert!(escalation.root_kind().parents.is_empty());
    assert_eq!(escalation.kind("branch").map(|kind| kind.parents.clone()), Some(vec!["general_branch".to_string()]));
    assert_eq!(escalation.kind("comittee"), None);
    assert!(escalation.may_sit_under("general_branch", "committee"));
    assert!(escalation.may_sit_under("direct_branch", "committee"));
    assert!(escalation.may_sit_under("branch", "general_branch"));
    assert!(!escalation.may_sit_under("branch", "committee"));
    assert!(!escalation.may_sit_under("committee", "general_branch"));
    assert!(!escalation.may_sit_under("nowhere", "committee"));
}

#[test]
fn s4_1_branches_and_directly_affiliated_branches_run_the_quarter() {
    let workflow = quarter();
    assert!(workflow.runs_in("branch"));
    assert!(workflow.runs_in("direct_branch"));
    assert!(!workflow.runs_in("general_branch"));
    assert!(!workflow.runs_in("committee"));
    assert!(check_together(&workflow, &escalation()).is_ok());
}

#[test]
fn s4_1_the_default_role_and_roles_by_title_come_from_the_files() {
    let workflow = quarter();
    assert_eq!(workflow.default_role().map(|role| role.id.as_str()), Some("branch_secretary"));
    assert_eq!(workflow.role_named("党员").map(|role| role.id.as_str()), Some("member"));
    assert_eq!(workflow.role_named("member").map(|role| role.title.as_str()), Some("党员"));
    assert_eq!(workflow.role_named("省委教育工委"), None);
    let escalation = escalation();
    let role = escalation.role_named("省委教育工委").map(|role| role.id.as_str());
    assert_eq!(role, Some("provincial_education_committee"));
    assert_eq!(escalation.role_named("党委组织部").map(|role| role.id.as_str()), Some("organization_department"));
}

#[test]
fn a_workflow_stored_before_units_and_the_default_role_still_loads() {
    let text = read(&repo().join("workflows/quarter.ron"))
        .replace("    default_role: \"branch_secretary\",\n", "")
        .replace("    units: [\"branch\", \"direct_branch\"],\n", "");
    let old = Workflow::load("workflows/quarter.ron", &text).expect("a quarter stored by an older version loads");
    assert_eq!(old.default_role(), None);
    assert!(!old.runs_in("branch"));
    // … but it does not pass as the workflow in force.
    let problems = match check_together(&old, &escalation()) {
        Ok(()) => panic!("a workflow without units and a default role passes as the one in force"),
        Err(errors) => errors.errors.into_iter().map(|error| error.problem).collect::<Vec<_>>(),
    };
    let roles = ["member", "branch_secretary", "general_branch", "organization_department"];
    let kinds = ["committee", "general_branch", "direct_branch", "branch"];
    assert_eq!(
        problems,
        [
            WorkflowProblem::NoQuarterUnits { known: kinds.map(String::from).to_vec() },
            WorkflowProblem::NoDefaultRole { known: roles.map(String::from).to_vec() },
        ]
    );
}

#[test]
fn refuses_a_default_role_that_is_not_declared() {
    workflow("unknown_default_role");
}

#[test]
fn refuses_two_roles_with_one_title() {
    workflow("duplicate_role_title");
}

#[test]
fn refuses_an_unknown_record_kind_as_ron_reports_it() {
    workflow("unknown_record_kind");
}

#[test]
fn escalation_refuses_a_kind_under_an_undeclared_kind_and_a_kind_declared_twice() {
    chain("kind_with_unknown_parent");
}

#[test]
fn escalation_refuses_an_unknown_key_as_ron_reports_it() {
    chain("unknown_key");
}

#[test]
fn escalation_refuses_two_root_kinds() {
    chain("two_root_kinds");
}

#[test]
fn escalation_refuses_kinds_sitting_under_each_other_in_a_loop() {
    chain("kinds_in_a_loop");
}

#[test]
fn escalation_refuses_a_level_acting_for_an_undeclared_kind() {
    chain("level_names_an_undeclared_kind");
}

#[test]
fn quarter_units_must_be_kinds_declared_in_escalation_ron() {
    together("unknown_quarter_kind");
}

#[test]
fn the_quarter_in_force_declares_its_default_role() {
    together("no_default_role");
}

#[test]
fn quarter_units_must_name_a_kind() {
    together("no_quarter_units");
}

#[test]
fn s4_3_d_the_organization_department_files_picks_publishes_then_forwards_only_its_picks() {
    let escalation = escalation();
    let org = escalation.level("organization_department").expect("the level exists");
    let actions: Vec<Action> = org.steps.iter().map(|step| step.action).collect();
    assert_eq!(actions, [Action::Receive, Action::File, Action::Pick, Action::Publish, Action::Forward]);
    assert_eq!(org.step(Action::Pick).map(|step| step.rules.clone()), Some(vec!["per_unit".to_string(), "province".to_string()]));
    assert_eq!(org.step(Action::Publish).map(|step| step.rules.clone()), Some(vec!["window".to_string()]));
    assert_eq!(org.step(Action::Forward).and_then(|step| step.send), Some(Sending::Picked));
    assert!(org.position(Action::Pick) < org.position(Action::Publish));
    let general = escalation.level("general_branch").expect("the level exists");
    let actions: Vec<Action> = general.steps.iter().map(|step| step.action).collect();
    assert_eq!(actions, [Action::Receive, Action::Publish, Action::Pick, Action::Forward]);
    assert_eq!(general.step(Action::Forward).and_then(|step| step.send), Some(Sending::All));
    let branch = escalation.level("branch").expect("the level exists");
    assert!(!branch.has(Action::Pick) && !branch.has(Action::Publish));
    assert_eq!(branch.step(Action::File).and_then(|step| step.send), None);
}

/// The kinds of the shipped rules the escalation file names.
fn shipped_kind(name: &str) -> Option<RuleKind> {
    match name {
        "typical" | "per_unit" | "province" => Some(RuleKind::Pick),
        "window" => Some(RuleKind::Publicity),
        "x8" => Some(RuleKind::Exclude),
        _ => None,
    }
}

#[test]
fn check_rules_accepts_the_shipped_chain() {
    assert!(escalation().check_rules(&shipped_kind).is_ok());
}

#[test]
fn check_rules_refuses_an_unknown_rule_and_a_rule_of_the_wrong_kind() {
    let text = read(&repo().join("workflows/escalation.ron"))
        .replace("rules: [\"typical\"]", "rules: [\"typicl\"]")
        .replace("rules: [\"per_unit\", \"province\"]", "rules: [\"per_unit\", \"window\"]")
        .replacen("rules: [\"window\"]", "rules: [\"x8\"]", 1);
    let edited = Escalation::load("workflows/escalation.ron", &text).expect("the edited file loads");
    let errors = match edited.check_rules(&shipped_kind) {
        Ok(()) => panic!("unknown and wrongly kinded rules pass"),
        Err(errors) => render(&errors),
    };
    assert_eq!(
        errors,
        "workflows/escalation.ron:41:82 `\"x8\"` WrongKindOfRule { level: \"directly_affiliated_branch\", \
         action: Publish, rule: \"x8\", wanted: Publicity, found: Exclude }\n\
         workflows/escalation.ron:51:83 `\"typicl\"` UnknownStepRule { level: \"general_branch\", \
         action: Pick, rule: \"typicl\", wanted: Pick }\n\
         workflows/escalation.ron:61:87 `\"window\"` WrongKindOfRule { level: \"organization_department\", \
         action: Pick, rule: \"window\", wanted: Pick, found: Publicity }\n"
    );}

#[test]
fn s4_2_b_general_and_directly_affiliated_branches_report_for_filing() {
    let chain = escalation();
    let filing: Vec<&str> = chain.levels.iter().filter(|l| chain.reports_for_filing(l)).map(|l| l.id.as_str()).collect();
    assert_eq!(filing, ["directly_affiliated_branch", "general_branch"]);
}

#[test]
fn s3_4_x2_petitions_investigations_and_cults_are_shown_only_to_the_roles_the_workflow_names() {
    let quarter = quarter();
    for clause in ["§3.4.x2", "§3.4.x3", "§3.4.x4"] {
        assert!(!quarter.shows(Some("member"), clause), "{clause}");
        for role in ["branch_secretary", "general_branch", "organization_department"] {
            assert!(quarter.shows(Some(role), clause), "{role} {clause}");
        }
        assert!(quarter.shows(None, clause), "the local administrator sees everything");
    }
    assert!(quarter.shows(Some("member"), "§3.4.x8"), "other findings are not restricted");
    assert_eq!(quarter.disclose(Some("member"), "§3.4.x3", "evidence"), Disclosed::Withheld);
    assert_eq!(quarter.disclose(Some("branch_secretary"), "§3.4.x3", "evidence"), Disclosed::Shown("evidence"));
}

#[test]
fn s3_4_x2_restricted_findings_name_roles_and_clauses_that_exist() {
    let text = read(&repo().join("workflows/quarter.ron")).replace("\"organization_department\"],\n            note", "\"organisation_department\"],\n            note");
    let errors = match Workflow::load("workflows/quarter.ron", &text) {
        Ok(_) => panic!("an unknown role in `seen_by` loads"),
        Err(errors) => errors,
    };
    assert!(
        matches!(&errors.errors[..], [e] if matches!(&e.problem, WorkflowProblem::UnknownRole { by: RoleUser::Restricted, role, .. } if role == "organisation_department")),
        "{}",
        render(&errors)
    );
    // The clauses are checked with every other clause the file cites.
    let quarter = quarter();
    assert!(quarter.cited_clauses().contains(&"§3.4.x4"));
    let known: Vec<&str> = quarter.cited_clauses().into_iter().filter(|c| *c != "§3.4.x4").collect();
    let errors = quarter.check_clauses(&known).expect_err("§3.4.x4 is not known");
    let lines = render(&errors);
    assert!(lines.contains("`§3.4.x4` UnknownClause"), "{lines}");
}
