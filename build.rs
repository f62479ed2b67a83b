//! Embeds the libtorch library folder as an rpath so `fabula` and its test
//! binaries start without LD_LIBRARY_PATH.
fn main() {
    // torch-sys publishes its library folder to direct dependants through `links = "tch"`.
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
    println!("cargo:rerun-if-env-changed=LIBTORCH");
}
