//! One user's watchlists as a pure value and the edits that change it. Every
//! edit is checked against the limits and the lists as they are, and refused
//! (changing nothing) unless it names a list and symbols that make sense: the
//! store saves only what came out of [`Watchlists::apply`].

use aries_client::order::Symbol;

/// The longest list name, in characters.
pub const MAX_NAME: usize = 40;
/// The most symbols in one list: what one panel may watch (src-tauri/commands/market.rs).
pub const MAX_SYMBOLS: usize = 200;
/// The most lists one user keeps.
pub const MAX_LISTS: usize = 20;
/// What a first sign-in gets: the list the watchlist showed before lists were saved.
pub const DEFAULT_NAME: &str = "Watchlist";
pub const DEFAULT_SYMBOLS: [&str; 3] = ["AAPL", "MSFT", "SPY"];

/// One named list; its symbols in the order the user gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watchlist {
    pub id: u32,
    pub name: String,
    pub symbols: Vec<String>,
}

/// A user's lists, in the user's order (new ones last; the first one feeds
/// the tray ticker), and the one the watchlist panel shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watchlists {
    pub lists: Vec<Watchlist>,
    pub current: u32,
}

/// One change the user asked for. Symbols are taken as typed (trimmed and upper-cased here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// A new empty list, which becomes the current one.
    Create {
        name: String,
    },
    Rename {
        list: u32,
        name: String,
    },
    /// Refused for the only list: the panel always shows one.
    Delete {
        list: u32,
    },
    Select {
        list: u32,
    },
    /// Appends the symbol.
    Add {
        list: u32,
        symbol: String,
    },
    Remove {
        list: u32,
        symbol: String,
    },
    /// Moves the symbol to index `to` (by drag, or Alt+↑/↓).
    Move {
        list: u32,
        symbol: String,
        to: usize,
    },
    /// Moves the list to index `to` among the lists (by drag, or Alt+←/→);
    /// moving a list first hands it the tray ticker.
    MoveList {
        list: u32,
        to: usize,
    },
}

/// Why an edit was refused; each message says what to do instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("Give the list a name.")]
    NameEmpty,
    #[error("A list name has at most {MAX_NAME} characters.")]
    NameTooLong,
    #[error("A list name cannot contain control characters.")]
    NameControl,
    #[error("There is already a list named “{0}”: choose another name.")]
    NameTaken(String),
    #[error("You can keep at most {MAX_LISTS} watchlists: delete one first.")]
    TooManyLists,
    #[error("This is your only watchlist: create another before deleting it.")]
    LastList,
    #[error("That watchlist no longer exists: it may have been deleted.")]
    NoSuchList,
    #[error("“{0}” is not a symbol: use 1–21 letters, digits, dots or slashes, like AAPL or BRK.B.")]
    BadSymbol(String),
    #[error("{symbol} is already in “{list}”.")]
    AlreadyIn { symbol: String, list: String },
    #[error("{symbol} is not in “{list}”.")]
    NotIn { symbol: String, list: String },
    #[error("“{0}” is full ({MAX_SYMBOLS} symbols): remove one or add to another list.")]
    ListFull(String),
    #[error("A symbol can only move within its list (position {to} of {len}).")]
    OutOfRange { to: usize, len: usize },
    #[error("A watchlist can only move among your lists (position {to} of {len}).")]
    ListOutOfRange { to: usize, len: usize },
}

impl Watchlists {
    /// A first sign-in's lists.
    pub fn seed() -> Watchlists {
        let list = Watchlist { id: 1, name: DEFAULT_NAME.into(), symbols: DEFAULT_SYMBOLS.map(String::from).into() };
        Watchlists { current: list.id, lists: vec![list] }
    }

    /// The list the tray ticker follows.
    pub fn first(&self) -> Option<&Watchlist> {
        self.lists.first()
    }

    pub fn get(&self, id: u32) -> Option<&Watchlist> {
        self.lists.iter().find(|l| l.id == id)
    }

    /// The lists after `edit`, or why not; `self` is never changed.
    pub fn apply(&self, edit: &Edit) -> Result<Watchlists, Refused> {
        let mut next = self.clone();
        match edit {
            Edit::Create { name } => {
                if next.lists.len() >= MAX_LISTS {
                    return Err(Refused::TooManyLists);
                }
                let name = next.free_name(name, None)?;
                let id = next.lists.iter().map(|l| l.id).max().unwrap_or(0) + 1;
                next.lists.push(Watchlist { id, name, symbols: Vec::new() });
                next.current = id;
            }
            Edit::Rename { list, name } => {
                let name = next.free_name(name, Some(*list))?;
                next.list_mut(*list)?.name = name;
            }
            Edit::Delete { list } => {
                let at = next.index(*list)?;
                if next.lists.len() == 1 {
                    return Err(Refused::LastList);
                }
                next.lists.remove(at);
                if next.current == *list {
                    next.current = next.lists[at.min(next.lists.len() - 1)].id;
                }
            }
            Edit::Select { list } => {
                next.index(*list)?;
                next.current = *list;
            }
            Edit::Add { list, symbol } => {
                let symbol = symbol_of(symbol)?;
                let target = next.list_mut(*list)?;
                if target.symbols.contains(&symbol) {
                    return Err(Refused::AlreadyIn { symbol, list: target.name.clone() });
                }
                if target.symbols.len() >= MAX_SYMBOLS {
                    return Err(Refused::ListFull(target.name.clone()));
                }
                target.symbols.push(symbol);
            }
            Edit::Remove { list, symbol } => {
                let target = next.list_mut(*list)?;
                let at = position(target, symbol)?;
                target.symbols.remove(at);
            }
            Edit::Move { list, symbol, to } => {
                let target = next.list_mut(*list)?;
                let at = position(target, symbol)?;
                let len = target.symbols.len();
                if *to >= len {
                    return Err(Refused::OutOfRange { to: *to, len });
                }
                let moved = target.symbols.remove(at);
                target.symbols.insert(*to, moved);
            }
            Edit::MoveList { list, to } => {
                let at = next.index(*list)?;
                let len = next.lists.len();
                if *to >= len {
                    return Err(Refused::ListOutOfRange { to: *to, len });
                }
                let moved = next.lists.remove(at);
                next.lists.insert(*to, moved);
            }
        }
        Ok(next)
    }

    fn index(&self, id: u32) -> Result<usize, Refused> {
        self.lists.iter().position(|l| l.id == id).ok_or(Refused::NoSuchList)
    }

    fn list_mut(&mut self, id: u32) -> Result<&mut Watchlist, Refused> {
        self.lists.iter_mut().find(|l| l.id == id).ok_or(Refused::NoSuchList)
    }

    /// `name` trimmed, if it is a valid name no other list has (case aside).
    fn free_name(&self, name: &str, renaming: Option<u32>) -> Result<String, Refused> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Refused::NameEmpty);
        }
        if name.chars().count() > MAX_NAME {
            return Err(Refused::NameTooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(Refused::NameControl);
        }
        let taken = self.lists.iter().any(|l| Some(l.id) != renaming && l.name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(Refused::NameTaken(name.into()));
        }
        Ok(name.into())
    }
}

/// The symbol as the order ticket checks it (`aries_client::order::Symbol`).
fn symbol_of(typed: &str) -> Result<String, Refused> {
    let symbol = typed.trim().to_uppercase();
    Symbol::parse(&symbol).map(|s| s.as_str().to_owned()).map_err(|_| Refused::BadSymbol(typed.trim().into()))
}

fn position(list: &Watchlist, typed: &str) -> Result<usize, Refused> {
    let symbol = typed.trim().to_uppercase();
    list.symbols.iter().position(|s| *s == symbol).ok_or_else(|| Refused::NotIn { symbol, list: list.name.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(lists: &Watchlists, id: u32) -> Vec<&str> {
        lists.get(id).unwrap().symbols.iter().map(String::as_str).collect()
    }

    fn add(list: u32, symbol: &str) -> Edit {
        Edit::Add { list, symbol: symbol.into() }
    }

    #[test]
    fn symbols_are_added_checked_removed_and_moved_within_their_list() {
        let seed = Watchlists::seed();
        let lists = seed.apply(&add(1, " nvda ")).unwrap();
        assert_eq!(symbols(&lists, 1), ["AAPL", "MSFT", "SPY", "NVDA"]);
        assert_eq!(symbols(&seed, 1), ["AAPL", "MSFT", "SPY"], "the value edited is never changed");
        assert_eq!(
            lists.apply(&add(1, "aapl")),
            Err(Refused::AlreadyIn { symbol: "AAPL".into(), list: "Watchlist".into() })
        );
        assert_eq!(lists.apply(&add(1, "NOT A SYMBOL")), Err(Refused::BadSymbol("NOT A SYMBOL".into())));
        assert_eq!(lists.apply(&add(1, "")), Err(Refused::BadSymbol(String::new())));

        let moved = lists.apply(&Edit::Move { list: 1, symbol: "NVDA".into(), to: 0 }).unwrap();
        assert_eq!(symbols(&moved, 1), ["NVDA", "AAPL", "MSFT", "SPY"]);
        let down = moved.apply(&Edit::Move { list: 1, symbol: "AAPL".into(), to: 2 }).unwrap();
        assert_eq!(symbols(&down, 1), ["NVDA", "MSFT", "AAPL", "SPY"]);
        assert_eq!(
            down.apply(&Edit::Move { list: 1, symbol: "SPY".into(), to: 4 }),
            Err(Refused::OutOfRange { to: 4, len: 4 })
        );
        assert!(matches!(
            down.apply(&Edit::Move { list: 1, symbol: "TSLA".into(), to: 0 }),
            Err(Refused::NotIn { .. })
        ));

        let removed = down.apply(&Edit::Remove { list: 1, symbol: "msft".into() }).unwrap();
        assert_eq!(symbols(&removed, 1), ["NVDA", "AAPL", "SPY"]);
        assert!(matches!(removed.apply(&Edit::Remove { list: 1, symbol: "MSFT".into() }), Err(Refused::NotIn { .. })));
        assert_eq!(removed.apply(&add(9, "IBM")), Err(Refused::NoSuchList));
    }

    #[test]
    fn lists_are_created_renamed_selected_and_deleted_but_never_the_last() {
        let lists = Watchlists::seed().apply(&Edit::Create { name: "  Tech  ".into() }).unwrap();
        assert_eq!((lists.lists.len(), lists.current), (2, 2), "a new list becomes the current one");
        assert_eq!(lists.get(2).unwrap().name, "Tech");
        assert_eq!(lists.apply(&Edit::Create { name: "tech".into() }), Err(Refused::NameTaken("tech".into())));
        assert_eq!(lists.apply(&Edit::Create { name: " ".into() }), Err(Refused::NameEmpty));
        assert_eq!(lists.apply(&Edit::Create { name: "x".repeat(MAX_NAME + 1) }), Err(Refused::NameTooLong));
        assert!(lists.apply(&Edit::Create { name: "é".repeat(MAX_NAME) }).is_ok(), "characters, not bytes");
        assert_eq!(lists.apply(&Edit::Create { name: "a\nb".into() }), Err(Refused::NameControl));

        // Renaming a list to its own name in other case is fine; to another's is not.
        let renamed = lists.apply(&Edit::Rename { list: 2, name: "TECH".into() }).unwrap();
        assert_eq!(renamed.get(2).unwrap().name, "TECH");
        assert_eq!(
            renamed.apply(&Edit::Rename { list: 2, name: "watchlist".into() }),
            Err(Refused::NameTaken("watchlist".into()))
        );

        let selected = renamed.apply(&Edit::Select { list: 1 }).unwrap();
        assert_eq!(selected.current, 1);
        assert_eq!(selected.apply(&Edit::Select { list: 7 }), Err(Refused::NoSuchList));

        // Deleting the current list selects its neighbour; the only list stays.
        let deleted = selected.apply(&Edit::Delete { list: 1 }).unwrap();
        assert_eq!((deleted.lists.len(), deleted.current, deleted.first().unwrap().id), (1, 2, 2));
        assert_eq!(deleted.apply(&Edit::Delete { list: 2 }), Err(Refused::LastList));
        // Ids are not reused while a list holds them.
        assert_eq!(deleted.apply(&Edit::Create { name: "New".into() }).unwrap().current, 3);
    }

    #[test]
    fn lists_are_reordered_and_the_first_one_changes_with_them() {
        let mut lists = Watchlists::seed();
        for name in ["Tech", "Energy"] {
            lists = lists.apply(&Edit::Create { name: name.into() }).unwrap();
        }
        let names = |l: &Watchlists| l.lists.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        let moved = lists.apply(&Edit::MoveList { list: 3, to: 0 }).unwrap();
        assert_eq!(names(&moved), ["Energy", "Watchlist", "Tech"]);
        assert_eq!(moved.first().unwrap().id, 3, "the ticker's list is the new first");
        assert_eq!(moved.current, lists.current, "moving a list does not select it");
        let back = moved.apply(&Edit::MoveList { list: 3, to: 2 }).unwrap();
        assert_eq!(names(&back), ["Watchlist", "Tech", "Energy"]);
        assert_eq!(back.apply(&Edit::MoveList { list: 1, to: 0 }).unwrap(), back, "in place: unchanged");
        assert_eq!(back.apply(&Edit::MoveList { list: 1, to: 3 }), Err(Refused::ListOutOfRange { to: 3, len: 3 }));
        assert_eq!(back.apply(&Edit::MoveList { list: 9, to: 0 }), Err(Refused::NoSuchList));
    }

    #[test]
    fn the_limits_on_lists_and_symbols_are_refused_with_a_reason() {
        let mut lists = Watchlists::seed();
        for n in 1..MAX_LISTS {
            lists = lists.apply(&Edit::Create { name: format!("List {n}") }).unwrap();
        }
        assert_eq!(lists.apply(&Edit::Create { name: "One more".into() }), Err(Refused::TooManyLists));

        let mut full = Watchlists::seed();
        for n in full.lists[0].symbols.len()..MAX_SYMBOLS {
            full = full.apply(&add(1, &format!("S{n}"))).unwrap();
        }
        let refused = full.apply(&add(1, "IBM")).unwrap_err();
        assert_eq!(refused, Refused::ListFull("Watchlist".into()));
        assert!(refused.to_string().contains("200"), "{refused}");
    }
}
