//! Tuning of the web engine (WebKitGTK) for a page that is never idle for
//! long. Why each: docs/design.md, "The web process's memory over a day".
//!
//! - JavaScriptCore's heap growth and glibc's malloc threshold for memory of
//!   its own mapping, both set before the first web process starts: web
//!   processes inherit this process's environment, and read `JSC_<option>`
//!   (JavaScriptCore) and `MALLOC_MMAP_THRESHOLD_` (glibc, mallopt(3)).
//! - WebKit's "opportunistic" collection, switched off in each webview's
//!   settings: on GTK it takes over JavaScriptCore's full-collection timer and
//!   then never runs, so full collections came only from allocation limits.

use std::ffi::{CStr, c_char, c_int, c_void};

/// The options set, unless the environment already names them.
const OPTIONS: [(&str, &str); 2] = [
    ("JSC_heapGrowthMaxIncrease", "1"),
    // glibc's default (128 KiB) made fixed. Left dynamic, each freed mapped block raises it, later
    // large blocks come from the heap, and the heap seldom gives freed memory back.
    ("MALLOC_MMAP_THRESHOLD_", "131072"),
];

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

/// WebKit's preference (`UnifiedWebPreferences.yaml`) behind WebCore's
/// `OpportunisticTaskScheduler`. While it is on and the page has work
/// scheduled (an animation frame requested), WebCore defers JavaScriptCore's
/// full-collection timer and then hands the collection to a run-loop observer
/// that does nothing on GTK (WebKitGTK 2.50), and the timer is not armed again.
const OPPORTUNISTIC_GC: &CStr = c"OpportunisticSweepingAndGarbageCollection";

/// The feature API of WebKitGTK 2.42 and later, looked up at run time so the
/// app still starts on an older WebKitGTK (the setting is then left as it is).
struct FeatureApi {
    all_features: unsafe extern "C" fn() -> *mut c_void,
    list_length: unsafe extern "C" fn(*mut c_void) -> usize,
    list_get: unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void,
    list_unref: unsafe extern "C" fn(*mut c_void),
    identifier: unsafe extern "C" fn(*mut c_void) -> *const c_char,
    set_enabled: unsafe extern "C" fn(*mut c_void, *mut c_void, c_int),
    is_enabled: unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int,
}

impl FeatureApi {
    fn load() -> Option<Self> {
        // SAFETY: each field's type is the C signature of the WebKitGTK function it is looked up by.
        unsafe {
            Some(FeatureApi {
                all_features: symbol(c"webkit_settings_get_all_features")?,
                list_length: symbol(c"webkit_feature_list_get_length")?,
                list_get: symbol(c"webkit_feature_list_get")?,
                list_unref: symbol(c"webkit_feature_list_unref")?,
                identifier: symbol(c"webkit_feature_get_identifier")?,
                set_enabled: symbol(c"webkit_settings_set_feature_enabled")?,
                is_enabled: symbol(c"webkit_settings_get_feature_enabled")?,
            })
        }
    }
}

/// The function the loaded libraries export as `name`, as an `F`.
///
/// # Safety
/// `F` must be a function pointer type with that function's C signature.
unsafe fn symbol<F: Copy>(name: &CStr) -> Option<F> {
    const { assert!(size_of::<F>() == size_of::<*mut c_void>()) };
    // SAFETY: a lookup among the libraries the process has loaded (WebKitGTK among them).
    let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    // SAFETY: a non-null address of that function, read as the pointer type the caller vouches for.
    (!found.is_null()).then(|| unsafe { std::mem::transmute_copy(&found) })
}

/// What became of the opportunistic collection in a webview's settings.
#[derive(Debug, PartialEq, Eq)]
pub enum Collection {
    /// Off, as read back from WebKit.
    OnSchedule,
    /// This WebKitGTK has no feature API (before 2.42) or no such feature.
    Unchanged,
}

/// Switches WebKit's opportunistic collection off in `view`'s settings, so
/// JavaScriptCore's own timer schedules full collections. Call it for every
/// webview, on the main thread.
pub fn collect_on_schedule(view: &webkit2gtk::WebView) -> Collection {
    use webkit2gtk::WebViewExt;
    use webkit2gtk::glib::object::ObjectType;
    let (Some(api), Some(settings)) = (FeatureApi::load(), view.settings()) else { return Collection::Unchanged };
    let settings = settings.as_ptr().cast::<c_void>();
    // SAFETY: the list is WebKit's own (transfer full, unreffed below), its features live as long as
    // the list, and `settings` is the view's, alive for this call.
    unsafe {
        let list = (api.all_features)();
        let mut outcome = Collection::Unchanged;
        for index in 0..(api.list_length)(list) {
            let feature = (api.list_get)(list, index);
            if CStr::from_ptr((api.identifier)(feature)) == OPPORTUNISTIC_GC {
                (api.set_enabled)(settings, feature, 0);
                if (api.is_enabled)(settings, feature) == 0 {
                    outcome = Collection::OnSchedule;
                }
            }
        }
        (api.list_unref)(list);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_option_is_set_unless_the_user_set_it() {
        assert_eq!(missing(|_| false), vec![("JSC_heapGrowthMaxIncrease", "1"), ("MALLOC_MMAP_THRESHOLD_", "131072")]);
        assert_eq!(missing(|name| name == "JSC_heapGrowthMaxIncrease"), vec![("MALLOC_MMAP_THRESHOLD_", "131072")]);
        assert_eq!(missing(|name| name == "MALLOC_MMAP_THRESHOLD_"), vec![("JSC_heapGrowthMaxIncrease", "1")]);
    }
}
