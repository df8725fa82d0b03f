// A firmware that prints through semihosting and exits with EXIT_CODE, built without the
// core crate: #![no_core] declares the few language items the code needs itself. A normal
// project has `#![no_std]`, core from `rustup target add thumbv7m-none-eabi`, and none of this.
#![feature(no_core, lang_items)]
#![no_core]
#![allow(internal_features)]
#![no_main]

#[lang = "pointee_sized"]
pub trait PointeeSized {}
#[lang = "meta_sized"]
pub trait MetaSized: PointeeSized {}
#[lang = "sized"]
pub trait Sized: MetaSized {}
#[lang = "copy"]
pub trait Copy {}
impl Copy for u8 {}
impl Copy for u32 {}
// The compiler replaces this body with each type's drop glue.
#[lang = "drop_glue"]
pub unsafe fn drop_glue<T: PointeeSized>(_: &mut T) {}

// Operation numbers and the exit reason: "Semihosting for AArch32 and AArch64" v2.0.
const SYS_WRITE0: u32 = 0x04;
const SYS_GET_CMDLINE: u32 = 0x15;
const SYS_EXIT_EXTENDED: u32 = 0x20;
const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;

#[cfg(not(feature = "fail"))]
const EXIT_CODE: u32 = 0;
#[cfg(feature = "fail")]
const EXIT_CODE: u32 = 3;

extern "C" {
    fn semihost(op: u32, arg: *const u32) -> u32; // start.s
}

static mut CMDLINE: [u8; 256] = [0; 256];

#[no_mangle]
pub extern "C" fn rust_main() -> ! {
    unsafe {
        semihost(
            SYS_WRITE0,
            b"hello from a no_core Rust firmware\n\0" as *const [u8; 36] as *const u32,
        );

        // {buffer, size}: the firmware's name and arguments, NUL-terminated. The buffer is
        // zero-filled (.bss) and one byte longer than told, so it always ends in a NUL.
        let block: [u32; 2] = [&raw mut CMDLINE as *mut u8 as u32, 255];
        semihost(SYS_GET_CMDLINE, &block as *const [u32; 2] as *const u32);
        semihost(SYS_WRITE0, b"cmdline: \0" as *const [u8; 10] as *const u32);
        semihost(SYS_WRITE0, &raw const CMDLINE as *const u32);
        semihost(SYS_WRITE0, b"\n\0" as *const [u8; 2] as *const u32);

        // {reason, exit code}: stflash exits with the code.
        let exit: [u32; 2] = [ADP_STOPPED_APPLICATION_EXIT, EXIT_CODE];
        semihost(SYS_EXIT_EXTENDED, &exit as *const [u32; 2] as *const u32);
    }
    loop {}
}
