// Assembles start.s and links it with link.x into the firmware.
use std::{env, path::PathBuf, process::Command};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("start.o");
    let status = Command::new("arm-none-eabi-as")
        .args(["-mcpu=cortex-m3", "-mthumb", "-o"])
        .arg(&out)
        .arg(dir.join("start.s"))
        .status()
        .expect("arm-none-eabi-as not found: install binutils-arm-none-eabi");
    assert!(status.success(), "arm-none-eabi-as failed on start.s");
    println!("cargo:rustc-link-arg={}", out.display());
    println!("cargo:rustc-link-arg=-T{}", dir.join("link.x").display());
    println!("cargo:rerun-if-changed=start.s");
    println!("cargo:rerun-if-changed=link.x");
}
