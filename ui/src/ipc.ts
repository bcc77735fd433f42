// The only place the UI talks to Rust: one typed wrapper per command.
import { invoke } from "@tauri-apps/api/core";

/** Mirrors `SandboxStatus` in src-tauri/commands/sandbox.rs. */
export interface SandboxStatus {
  mode: "sandbox";
  simulator: string;
}

export function sandboxStatus(): Promise<SandboxStatus> {
  return invoke<SandboxStatus>("sandbox_status");
}
