//! JavaScriptCore's heap growth, set before the first web process starts. WebKitGTK's
//! web processes inherit this process's environment and read `JSC_<option>` from it.
//! Why the factor of 2 everywhere: docs/design.md, "The web process's memory over a day".

/// The options set, unless the environment already names them.
const OPTIONS: [(&str, &str); 1] = [("JSC_heapGrowthMaxIncrease", "1")];

/// Each of `OPTIONS` that `present` does not report: a value the user set wins.
fn missing(present: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    OPTIONS.into_iter().filter(|(name, _)| !present(name)).collect()
}

/// Sets the options. `main` calls this first, before it starts any thread.
pub fn tune() {
    for (name, value) in missing(|name| std::env::var_os(name).is_some()) {
        // SAFETY: no other thread exists yet to read the environment while it changes.
        unsafe { std::env::set_var(name, value) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_growth_is_set_unless_the_user_set_it() {
        assert_eq!(missing(|_| false), vec![("JSC_heapGrowthMaxIncrease", "1")]);
        assert!(missing(|name| name == "JSC_heapGrowthMaxIncrease").is_empty());
    }
}
