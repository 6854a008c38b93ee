//! Who calls, how each caller stands to an object, and the status each route's rule gives them.

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Who {
    Committee,
    /// A member of team A (internal).
    MemberA,
    /// A member of team B (internal).
    MemberB,
    /// The partner of team P (external).
    PartnerP,
    /// The partner of team Q (external).
    PartnerQ,
    Exec,
    NoToken,
    /// Authorization headers that are not a bearer token (several shapes, each tried).
    Malformed,
    /// A well-formed token nobody was given.
    Unknown,
    /// A committee member's revoked token.
    Revoked,
    /// A committee member's expired token.
    Expired,
}

pub(super) const EVERYONE: [Who; 11] = [
    Who::Committee,
    Who::MemberA,
    Who::MemberB,
    Who::PartnerP,
    Who::PartnerQ,
    Who::Exec,
    Who::NoToken,
    Who::Malformed,
    Who::Unknown,
    Who::Revoked,
    Who::Expired,
];

/// Whose object a request works on: team A's (member A is its member; for user routes, member
/// A's own user), or team P's (partner P is its partner; for user routes, partner P's user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    InternalTeam,
    ExternalTeam,
}

/// How a caller stands to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Committee,
    Exec,
    OwnMember,
    OtherMember,
    OwnPartner,
    OtherPartner,
    Anonymous,
}

pub(super) fn relation(who: Who, owner: Owner) -> Relation {
    match (who, owner) {
        (Who::Committee, _) => Relation::Committee,
        (Who::Exec, _) => Relation::Exec,
        (Who::MemberA, Owner::InternalTeam) => Relation::OwnMember,
        (Who::MemberA | Who::MemberB, _) => Relation::OtherMember,
        (Who::PartnerP, Owner::ExternalTeam) => Relation::OwnPartner,
        (Who::PartnerP | Who::PartnerQ, _) => Relation::OtherPartner,
        _ => Relation::Anonymous,
    }
}

/// Who may use a route: README's "Who may do what", one rule per route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// Anyone, with or without a token.
    Public,
    /// Anyone signed in.
    SignedIn,
    /// Only the committee; everyone else signed in gets 403.
    Committee,
    /// The committee and execs; everyone else signed in gets 403.
    Oversight,
    /// Everyone signed in, except that for a partner another team's object does not exist (404).
    TeamRead,
    /// The committee and the object's own team; another team's member and execs 403, another
    /// team's partner 404 (the object does not exist for them).
    TeamWrite,
    /// Registering a bet for a team: the committee or that team; anyone else 403 (the team is
    /// named in the body, so there is nothing to hide).
    RegisterBet,
    /// A user themself, the committee and execs; anyone else 404.
    SelfOrOversight,
    /// A user themself and the committee; anyone else (execs too) 404.
    SelfOrCommittee,
    /// A CSV import: the committee and the rows' own team store; execs are refused outright
    /// (403); another team's member or partner sees every row refused (422, nothing stored).
    Import,
    /// The market's rule: a team acts for itself, so only its own members and partners may;
    /// the committee, execs and another team's member 403, another team's partner 404.
    TeamAct,
    /// A team's books (account, statement): the committee, execs and the team itself; another
    /// team's member 403, another team's partner 404.
    Books,
    /// A race: the committee, execs and the members and partners of a team racing in it; to a
    /// member or partner of a team not in the race it does not exist (404).
    RaceRead,
}

pub(super) fn expected(rule: Rule, relation: Relation, success: u16) -> u16 {
    use Relation::*;
    match (rule, relation) {
        (Rule::Public, _) => success,
        (_, Anonymous) => 401,
        (Rule::SignedIn, _) => success,
        (Rule::Committee, Committee) => success,
        (Rule::Committee, _) => 403,
        (Rule::Oversight, Committee | Exec) => success,
        (Rule::Oversight, _) => 403,
        (Rule::TeamRead, OtherPartner) => 404,
        (Rule::TeamRead, _) => success,
        (Rule::TeamWrite, Committee | OwnMember | OwnPartner) => success,
        (Rule::TeamWrite, OtherPartner) => 404,
        (Rule::TeamWrite, OtherMember | Exec) => 403,
        (Rule::RegisterBet, Committee | OwnMember | OwnPartner) => success,
        (Rule::RegisterBet, _) => 403,
        (Rule::SelfOrOversight, Committee | Exec | OwnMember | OwnPartner) => success,
        (Rule::SelfOrOversight, _) => 404,
        (Rule::SelfOrCommittee, Committee | OwnMember | OwnPartner) => success,
        (Rule::SelfOrCommittee, _) => 404,
        (Rule::Import, Committee | OwnMember | OwnPartner) => success,
        (Rule::Import, Exec) => 403,
        (Rule::Import, OtherMember | OtherPartner) => 422,
        (Rule::TeamAct, OwnMember | OwnPartner) => success,
        (Rule::TeamAct, OtherPartner) => 404,
        (Rule::TeamAct, Committee | Exec | OtherMember) => 403,
        (Rule::Books, Committee | Exec | OwnMember | OwnPartner) => success,
        (Rule::Books, OtherPartner) => 404,
        (Rule::Books, OtherMember) => 403,
        (Rule::RaceRead, Committee | Exec | OwnMember | OwnPartner) => success,
        (Rule::RaceRead, OtherMember | OtherPartner) => 404,
    }
}
