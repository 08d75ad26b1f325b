//! `cargo xtask generate [--check]`: turns the OpenAPI description into the
//! low-level crate's source with progenitor, or checks that the committed source is current.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use sha2::{Digest, Sha256};

use crate::workspace_root;

/// The spec every generated file comes from, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/webex-broadworks.yaml";
/// The crate that holds the generated files, relative to the workspace root.
const API_CRATE: &str = "crates/webex-broadworks-api";
/// The progenitor release the generator links against; written into every header.
const PROGENITOR_VERSION: &str = "0.15.1";

/// Component schemas that Webex may extend or send loosely: each is swapped for a
/// hand-written tolerant type in `webex_broadworks_api::wire`.
const REPLACEMENTS: &[(&str, &str, &[TypeImpl])] = &[
    (
        "SubscriberStatus",
        "crate::wire::SubscriberStatus",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "Package",
        "crate::wire::Package",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "DirectorySyncState",
        "crate::wire::DirectorySyncState",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "BillingReportStatus",
        "crate::wire::BillingReportStatus",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "SelfActivated",
        "crate::wire::SelfActivated",
        &[TypeImpl::Display, TypeImpl::Default],
    ),
    ("ErrorCode", "crate::wire::ErrorCode", &[TypeImpl::Display]),
    (
        "Count",
        "crate::wire::Count",
        &[TypeImpl::Display, TypeImpl::Default],
    ),
    ("Timestamp", "crate::wire::Timestamp", &[TypeImpl::Display]),
];

/// The hand-written type that stands in for `schema` in the generated code, if any.
pub fn replacement(schema: &str) -> Option<&'static str> {
    REPLACEMENTS
        .iter()
        .find(|(name, _, _)| *name == schema)
        .map(|(_, replacement, _)| *replacement)
}

/// One file that generation writes.
#[derive(Debug)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Runs the generator over the spec and returns the files it would write.
pub fn generate_files(root: &Path) -> Result<Vec<GeneratedFile>> {
    let spec_path = root.join(SPEC_PATH);
    let spec_text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the spec at {}", spec_path.display()))?;
    let spec = parse_for_generation(&spec_text)?;
    check_progenitor_rules(&spec)?;

    let sha = description_digest(&spec)?;
    let (client, mocks) = run_progenitor(&spec)?;
    let api = root.join(API_CRATE).join("src");
    Ok(vec![
        GeneratedFile {
            path: api.join("generated.rs"),
            contents: with_header(&sha, "the client and its types", &client)?,
        },
        GeneratedFile {
            path: api.join("generated_mock.rs"),
            contents: with_header(&sha, "typed httpmock mocks", &mocks)?,
        },
    ])
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::RequestHooks))
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema");
    for (schema, replacement, impls) in REPLACEMENTS {
        settings.with_replacement(*schema, *replacement, impls.iter().cloned());
    }
    settings
}

/// progenitor reports some spec shapes it cannot handle by panicking; the panic is caught
/// and turned into an error so that a bad edit to the spec reads as a message, not a backtrace.
/// Returns the client and the mocks, formatted.
pub fn run_progenitor(spec: &openapiv3::OpenAPI) -> Result<(String, String)> {
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings());
        let client = generator.generate_tokens(spec)?;
        let mocks = generator.httpmock(spec, "crate")?;
        Ok::<_, progenitor::Error>((client, mocks))
    }));
    panic::set_hook(previous_hook);
    let (client, mocks) = match outcome {
        Ok(result) => result.context("progenitor rejected the spec")?,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no reason given".to_string());
            bail!(
                "progenitor could not generate code from {SPEC_PATH}: {reason}\n\
                 Check that every operation has one success response (or several with one schema), \
                 that errors use only the shared 4XX/5XX responses, that no `default` response \
                 exists and that each request body has one content type."
            )
        }
    };
    let mut client = parse_file(client)?;
    gate_json_schema(&mut client);
    Ok((prettyplease::unparse(&client), pretty(mocks)?))
}

/// The spec as the generator reads it, or the lint's own report of what stands in the way:
/// a document that is not OpenAPI 3.0, a `$ref` that resolves nowhere (at the place that
/// refers to it), a `type` list (at the schema that has it), each at its JSON pointer with
/// its fix, instead of the parser's message about the first schema it could not read.
pub fn parse_for_generation(text: &str) -> Result<openapiv3::OpenAPI> {
    use crate::lint::Rule;
    let findings = crate::lint::check(text).with_context(|| format!("{SPEC_PATH} is not YAML"))?;
    let blocking: Vec<String> = findings
        .problems
        .iter()
        .filter(|problem| matches!(problem.rule, Rule::Document | Rule::Reference))
        .map(ToString::to_string)
        .collect();
    if !blocking.is_empty() {
        bail!(
            "{SPEC_PATH} cannot be generated from:\n\n{}\n\nFix each as its `fix:` line says \
             (`cargo xtask lint` shows every other problem too), then generate again.",
            blocking.join("\n\n")
        );
    }
    serde_norway::from_str(text)
        .with_context(|| format!("{SPEC_PATH} is not a valid OpenAPI 3.0 document"))
}

/// The digest written into the generated header: of the parsed description, re-serialised,
/// so that a comment, a reindentation or a reordered key changes neither the header nor the
/// generated crates, while any change that progenitor can see changes the digest.
pub fn description_digest(spec: &openapiv3::OpenAPI) -> Result<String> {
    let canonical = serde_json::to_vec(spec).context("the parsed spec could not be serialised")?;
    Ok(hex(&Sha256::digest(&canonical)))
}

/// The generated types derive `schemars::JsonSchema` only with the API crate's `schemars`
/// feature: the simulator reads their schemas, a client has no use for them, and leaving
/// schemars out keeps it and its derive macro out of every client's build.
fn gate_json_schema(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    struct Gate;
    impl Gate {
        fn gate(attrs: &mut Vec<syn::Attribute>) {
            let mut gated = Vec::with_capacity(attrs.len() + 1);
            for attr in attrs.drain(..) {
                if !attr.path().is_ident("derive") {
                    gated.push(attr);
                    continue;
                }
                let Ok(paths) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                ) else {
                    gated.push(attr);
                    continue;
                };
                let is_json_schema = |path: &syn::Path| {
                    quote::quote!(#path).to_string().replace(' ', "") == "schemars::JsonSchema"
                };
                if !paths.iter().any(is_json_schema) {
                    gated.push(attr);
                    continue;
                }
                let kept = paths.iter().filter(|path| !is_json_schema(path));
                gated.push(syn::parse_quote!(#[derive(#(#kept),*)]));
                gated.push(syn::parse_quote!(
                    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                ));
            }
            *attrs = gated;
        }
    }
    impl VisitMut for Gate {
        fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
            Self::gate(&mut item.attrs);
            syn::visit_mut::visit_item_struct_mut(self, item);
        }
        fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
            Self::gate(&mut item.attrs);
            syn::visit_mut::visit_item_enum_mut(self, item);
        }
    }

    Gate.visit_file_mut(file);
}

/// Checks the rules under which progenitor works, naming the operation that breaks one.
/// progenitor panics on these shapes; saying so first gives the editor a precise message.
fn check_progenitor_rules(spec: &openapiv3::OpenAPI) -> Result<()> {
    let mut problems = Vec::new();
    for (path, method, op) in spec.operations() {
        let name = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
        let responses = &op.responses;
        if responses.default.is_some() {
            problems.push(format!(
                "{name}: has a `default` response; declare the shared 4XX and 5XX responses instead"
            ));
        }
        let successes: Vec<String> = responses
            .responses
            .iter()
            .filter_map(|(code, response)| {
                let code = code.to_string();
                code.starts_with('2').then(|| {
                    response
                        .as_item()
                        .and_then(|r| r.content.get("application/json"))
                        .and_then(|m| m.schema.as_ref())
                        .map(|s| format!("{s:?}"))
                        .unwrap_or_default()
                })
            })
            .collect();
        if successes.is_empty() {
            problems.push(format!("{name}: declares no 2xx response"));
        } else if successes.iter().any(|b| b != &successes[0]) {
            problems.push(format!(
                "{name}: declares several success responses with different bodies; keep one"
            ));
        }
        if let Some(body) = op.request_body.as_ref().and_then(|b| b.as_item())
            && body.content.len() != 1
        {
            problems.push(format!(
                "{name}: the request body has {} content types; declare only application/json",
                body.content.len()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "{SPEC_PATH} breaks the rules the generator needs:\n  - {}",
            problems.join("\n  - ")
        )
    }
}

fn parse_file(tokens: proc_macro2::TokenStream) -> Result<syn::File> {
    syn::parse2(tokens).context("progenitor produced tokens that are not a Rust file")
}

fn pretty(tokens: proc_macro2::TokenStream) -> Result<String> {
    Ok(prettyplease::unparse(&parse_file(tokens)?))
}

fn with_header(sha: &str, what: &str, body: &str) -> Result<String> {
    Ok(format!(
        "// @generated by `cargo xtask generate`: {what}. Do not edit by hand.\n\
         // spec: {SPEC_PATH} sha256:{sha}\n\
         // generator: progenitor {PROGENITOR_VERSION}\n\n{body}"
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `cargo xtask generate [--check]`.
pub fn run(check: bool) -> Result<()> {
    let root = workspace_root();
    let files = generate_files(&root)?;
    if check {
        let mut stale = Vec::new();
        for file in &files {
            let committed = std::fs::read_to_string(&file.path).unwrap_or_default();
            if committed != file.contents {
                let shown = file.path.strip_prefix(&root).unwrap_or(&file.path);
                let diff = similar::TextDiff::from_lines(&committed, &file.contents);
                println!(
                    "{}",
                    diff.unified_diff().context_radius(3).header(
                        &format!("committed {}", shown.display()),
                        &format!("generated {}", shown.display())
                    )
                );
                stale.push(shown.display().to_string());
            }
        }
        if !stale.is_empty() {
            bail!(
                "generated code is stale: {}\nRun `cargo xtask generate` and commit the result.",
                stale.join(", ")
            );
        }
        println!("generated code is up to date with {SPEC_PATH}");
    } else {
        for file in &files {
            std::fs::write(&file.path, &file.contents)
                .with_context(|| format!("cannot write {}", file.path.display()))?;
            println!(
                "wrote {}",
                file.path
                    .strip_prefix(&root)
                    .unwrap_or(&file.path)
                    .display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generating_twice_gives_the_same_bytes() {
        let root = workspace_root();
        let first = generate_files(&root).unwrap();
        let second = generate_files(&root).unwrap();
        assert_eq!(first.len(), second.len());
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.path, b.path);
            assert!(
                a.contents == b.contents,
                "{} differs between runs",
                a.path.display()
            );
        }
    }

    #[test]
    fn comments_and_layout_leave_the_digest_alone_and_content_changes_it() {
        let text = std::fs::read_to_string(workspace_root().join(SPEC_PATH)).unwrap();
        let digest = |text: &str| {
            description_digest(&serde_norway::from_str(text).expect("the spec parses")).unwrap()
        };
        let original = digest(&text);
        let commented = format!(
            "# a reviewer's note\n\n{}\n# the end\n",
            text.replacen("\ninfo:\n", "\n\ninfo: # who we are\n", 1)
        );
        assert_ne!(commented, text);
        assert_eq!(
            digest(&commented),
            original,
            "comments or blank lines changed the digest"
        );
        let flow_style = text.replacen("openapi: 3.0.3", "openapi: \"3.0.3\"", 1);
        assert_ne!(flow_style, text, "the spec starts with `openapi: 3.0.3`");
        assert_eq!(
            digest(&flow_style),
            original,
            "quoting a scalar changed the digest"
        );
        let title = "title: Webex for BroadWorks Provisioning API\n";
        assert!(text.contains(title));
        let retitled = text.replacen(title, "title: Webex for BroadWorks Provisioning\n", 1);
        assert_ne!(
            digest(&retitled),
            original,
            "a changed title kept the digest"
        );
    }

    #[test]
    fn json_schema_derives_are_behind_the_schemars_feature() {
        let tokens = quote::quote! {
            #[derive(Clone, schemars::JsonSchema, Debug)]
            pub struct Thing { pub a: u8 }
            pub mod inner {
                #[derive(schemars::JsonSchema)]
                pub enum Kind { A }
            }
        };
        let mut file = parse_file(tokens).unwrap();
        gate_json_schema(&mut file);
        let gated = prettyplease::unparse(&file);
        assert!(gated.contains("#[derive(Clone, Debug)]"), "{gated}");
        assert_eq!(
            gated
                .matches(r#"#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]"#)
                .count(),
            2,
            "{gated}"
        );
        assert!(
            !gated.contains("#[derive(schemars::JsonSchema)]"),
            "{gated}"
        );
    }

    #[test]
    fn a_default_response_is_named_with_its_operation() {
        let spec: openapiv3::OpenAPI = serde_norway::from_str(
            r#"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200": { description: ok }
        default: { description: anything else }
"#,
        )
        .unwrap();
        let error = check_progenitor_rules(&spec).unwrap_err().to_string();
        assert!(
            error.contains("listThings: has a `default` response"),
            "{error}"
        );
    }

    #[test]
    fn a_progenitor_panic_becomes_a_readable_error() {
        // Two success codes with different bodies make progenitor panic.
        let spec: openapiv3::OpenAPI = serde_norway::from_str(
            r#"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things:
    post:
      operationId: makeThing
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: string } } }
        "202": { description: accepted }
"#,
        )
        .unwrap();
        let error = run_progenitor(&spec).unwrap_err().to_string();
        assert!(
            error.contains("progenitor could not generate code"),
            "{error}"
        );
    }
}
