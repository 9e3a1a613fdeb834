//! A user's `keymap.toml`, read with the `toml` crate and applied over the defaults.

use super::{Command, Context, Key, Keymap};

impl Keymap {
    /// The defaults with a user's `keymap.toml` applied: sections are contexts, each line
    /// `action = "keys"` rebinds an action of that context (space-separated keys; `""`
    /// unbinds it). The file is read by the `toml` crate, whose spans give the line of each
    /// mistake: a file that is not TOML is refused at its first error; in a file that is, every
    /// mistake (an unknown context, action or key, keys not in a string, a key bound twice in a
    /// context) is reported with its line. Either way none of the file applies: the defaults
    /// stay in force.
    pub fn with_overrides(text: &str) -> Result<Keymap, Vec<String>> {
        use toml::Spanned;
        let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
        let doc: std::collections::BTreeMap<Spanned<String>, Spanned<toml::Value>> =
            toml::from_str(text).map_err(|e| {
                let line = e.span().map_or(1, |s| line_of(s.start));
                vec![format!(
                    "line {line}: this is not TOML: {}",
                    e.message().trim_end()
                )]
            })?;
        let mut map = Keymap::default();
        let mut errors: Vec<(usize, String)> = Vec::new();
        // Which line set each binding, for the duplicate check's message.
        let mut set_at: Vec<Option<usize>> = vec![None; map.bindings.len()];
        for (name, section) in &doc {
            let line_no = line_of(name.span().start);
            let toml::Value::Table(actions) = section.get_ref() else {
                errors.push((
                    line_no,
                    format!(
                        "line {line_no}: '{}' is outside a context: start with a section such as [backlog]",
                        name.get_ref()
                    ),
                ));
                continue;
            };
            let Ok(ctx) = name.get_ref().parse::<Context>() else {
                let names: Vec<&str> = Context::ALL.iter().map(|c| c.as_str()).collect();
                errors.push((
                    line_no,
                    format!(
                        "line {line_no}: there is no context '{}': one of {}",
                        name.get_ref(),
                        names.join(", ")
                    ),
                ));
                continue;
            };
            // The section's own spans are not kept by `toml::Value`: each action is found on
            // the first line after the section's header that starts with its name.
            let after = name.span().end;
            for (action, value) in actions {
                let line_no = text[after..]
                    .lines()
                    .position(|l| {
                        let l = l.trim_start();
                        l.strip_prefix(action.as_str())
                            .is_some_and(|rest| rest.trim_start().starts_with('='))
                            || l.strip_prefix(&format!("\"{action}\""))
                                .is_some_and(|rest| rest.trim_start().starts_with('='))
                    })
                    .map_or(line_no, |n| line_of(after) + n);
                let Some(keys) = value.as_str() else {
                    errors.push((
                        line_no,
                        format!(
                            "line {line_no}: the keys of '{action}' go in double quotes, e.g. {action} = \"x\""
                        ),
                    ));
                    continue;
                };
                let found = action.parse::<Command>().ok().and_then(|cmd| {
                    map.bindings
                        .iter()
                        .position(|b| b.context == ctx && b.command == cmd)
                });
                let Some(i) = found else {
                    let here: Vec<&str> = map
                        .bindings
                        .iter()
                        .filter(|b| b.context == ctx)
                        .map(|b| b.command.as_str())
                        .collect();
                    errors.push((
                        line_no,
                        format!(
                            "line {line_no}: no action '{action}' in [{ctx}]: one of {}",
                            here.join(", ")
                        ),
                    ));
                    continue;
                };
                let mut parsed = Vec::new();
                let mut whole = true;
                for k in keys.split_whitespace() {
                    match Key::parse(k) {
                        Some(key) => parsed.push((k.to_string(), key)),
                        None => {
                            whole = false;
                            errors.push((line_no, format!(
                                "line {line_no}: '{k}' is not a key: a character, or enter, esc, tab, up, down, left, right, home, end, pgup, pgdn, space, backspace, with ctrl-, shift- or alt- before it"
                            )));
                        }
                    }
                }
                // A line with a mistake binds nothing, so that it is the one mistake told.
                if whole {
                    map.bindings[i].keys = parsed;
                    set_at[i] = Some(line_no);
                }
            }
        }
        // A key may mean one thing per context.
        for (i, a) in map.bindings.iter().enumerate() {
            for (j, b) in map.bindings.iter().enumerate().skip(i + 1) {
                if a.context != b.context || (set_at[i].is_none() && set_at[j].is_none()) {
                    continue;
                }
                if let Some((name, _)) = a
                    .keys
                    .iter()
                    .find(|(_, k)| b.keys.iter().any(|(_, o)| o == k))
                {
                    let line = set_at[j].or(set_at[i]).unwrap_or(0);
                    errors.push((
                        line,
                        format!(
                            "line {line}: '{name}' is bound to both {} and {} in [{}]",
                            a.command, b.command, a.context
                        ),
                    ));
                }
            }
        }
        // Something must always close the board.
        for (i, b) in map.bindings.iter().enumerate() {
            if b.command == Command::Quit && b.context == Context::Global && b.keys.is_empty() {
                let line = set_at[i].unwrap_or(0);
                errors.push((
                    line,
                    format!("line {line}: quit must keep a key, or nothing could close the board"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(map)
        } else {
            // In the order of the file, as a reader goes through it.
            errors.sort_by_key(|(line, _)| *line);
            Err(errors.into_iter().map(|(_, e)| e).collect())
        }
    }
}
