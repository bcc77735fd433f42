//! Where an in-app update stands, as a pure state machine that refuses every
//! step it does not expect: a download only of an offered release, an
//! install only of a downloaded and verified one, one check or download at a
//! time. The plugin calls and the order gate live in updates.rs.

use crate::views::updates::{ReleaseView, UpdatePhase, UpdateView};

#[derive(Debug)]
pub enum Step {
    Check,
    /// The server answered: a newer release, or none.
    Checked(Option<ReleaseView>),
    CheckFailed(String),
    Download,
    Progress {
        received: u64,
        total: Option<u64>,
    },
    /// The bytes arrived and their signature verified.
    Downloaded,
    DownloadFailed(String),
    Install,
    InstallFailed(String),
}

/// A step the current phase does not allow; nothing changed.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub phase: UpdatePhase,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateState {
    view: UpdateView,
}

impl UpdateState {
    pub fn new(current: String) -> Self {
        UpdateState {
            view: UpdateView {
                current,
                phase: UpdatePhase::Idle,
                release: None,
                received: 0,
                total: None,
                message: None,
            },
        }
    }

    /// A build that never checks, and why.
    pub fn off(current: String, why: &str) -> Self {
        let mut state = Self::new(current);
        state.view.phase = UpdatePhase::Off;
        state.view.message = Some(why.to_string());
        state
    }

    pub fn view(&self) -> &UpdateView {
        &self.view
    }

    pub fn apply(&mut self, step: Step) -> Result<(), Refused> {
        use UpdatePhase::*;
        let v = &mut self.view;
        match (v.phase, step) {
            // A new check may replace an offer not yet downloaded.
            (Idle | UpToDate | Unreachable | Available, Step::Check) => {
                v.phase = Checking;
                v.message = None;
            }
            (Checking, Step::Checked(Some(release))) => {
                v.phase = Available;
                v.release = Some(release);
            }
            (Checking, Step::Checked(None)) => {
                v.phase = UpToDate;
                v.release = None;
            }
            (Checking, Step::CheckFailed(why)) => {
                v.phase = Unreachable;
                v.release = None;
                v.message = Some(why);
            }
            (Available, Step::Download) => {
                v.phase = Downloading;
                (v.received, v.total, v.message) = (0, None, None);
            }
            (Downloading, Step::Progress { received, total }) => (v.received, v.total) = (received, total),
            (Downloading, Step::Downloaded) => v.phase = Ready,
            // The offer stays: the user may try the download again.
            (Downloading, Step::DownloadFailed(why)) => {
                v.phase = Available;
                v.message = Some(why);
            }
            (Ready, Step::Install) => {
                v.phase = Installing;
                v.message = None;
            }
            (Installing, Step::InstallFailed(why)) => {
                v.phase = Ready;
                v.message = Some(why);
            }
            (phase, _) => return Err(Refused { phase }),
        }
        Ok(())
    }

    /// What the last failure was, kept on the view (a refused install stays `Ready`).
    pub fn tell(&mut self, message: String) {
        self.view.message = Some(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UpdatePhase::*;

    fn release() -> ReleaseView {
        ReleaseView { version: "0.2.0".into(), notes: Some("Faster blotter".into()), date: None }
    }

    #[test]
    fn check_download_install_in_order_only() {
        let mut s = UpdateState::new("0.1.0".into());
        assert_eq!(s.apply(Step::Download), Err(Refused { phase: Idle }), "nothing offered yet");
        assert_eq!(s.apply(Step::Install), Err(Refused { phase: Idle }));
        s.apply(Step::Check).unwrap();
        assert_eq!(s.apply(Step::Check), Err(Refused { phase: Checking }), "one check at a time");
        s.apply(Step::Checked(Some(release()))).unwrap();
        assert_eq!(s.view().phase, Available);
        assert_eq!(s.apply(Step::Install), Err(Refused { phase: Available }), "not downloaded: no install");
        s.apply(Step::Download).unwrap();
        assert_eq!(s.apply(Step::Check), Err(Refused { phase: Downloading }));
        s.apply(Step::Progress { received: 10, total: Some(40) }).unwrap();
        assert_eq!((s.view().received, s.view().total), (10, Some(40)));
        s.apply(Step::Downloaded).unwrap();
        assert_eq!(s.apply(Step::Check), Err(Refused { phase: Ready }), "a verified download is not thrown away");
        s.apply(Step::Install).unwrap();
        s.apply(Step::InstallFailed("disk full".into())).unwrap();
        assert_eq!((s.view().phase, s.view().message.as_deref()), (Ready, Some("disk full")));
    }

    #[test]
    fn failures_are_quiet_states_not_dead_ends() {
        let mut s = UpdateState::new("0.1.0".into());
        s.apply(Step::Check).unwrap();
        s.apply(Step::CheckFailed("no network".into())).unwrap();
        assert_eq!((s.view().phase, s.view().release.clone()), (Unreachable, None));
        s.apply(Step::Check).unwrap();
        s.apply(Step::Checked(Some(release()))).unwrap();
        s.apply(Step::Download).unwrap();
        s.apply(Step::DownloadFailed("bad signature".into())).unwrap();
        assert_eq!(s.view().phase, Available, "the offer stays, to try again");
        assert_eq!(s.view().release, Some(release()));
    }

    #[test]
    fn an_off_build_refuses_every_step() {
        let mut s = UpdateState::off("0.1.0".into(), "development build");
        for step in [Step::Check, Step::Download, Step::Install, Step::Downloaded] {
            assert_eq!(s.apply(step), Err(Refused { phase: Off }));
        }
    }
}
