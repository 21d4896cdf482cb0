"""Labels and explanations in English and 中文 (the derivation's language).

`text(key, lang)` looks a string up; a key missing in Chinese falls back to English, a
key missing in English is a programming error (KeyError), which the tests catch.
Formula numbers are the derivation's own in both languages.

Modules below the page (data, export, state) say what is wrong with a `Message`: the
English text, as a plain `str` everywhere (logs, tests, `str(error)`), that also keeps its
key and values, so the page shows it in the session's language with `say`.
"""

from __future__ import annotations

import re

LANGUAGES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Backprop Explorer",
        "s_data": "Data",
        "s_dataset": "Data set",
        "s_noise": "Noise",
        "s_noise_help": "Spread of the generated points (generated data sets only).",
        "s_split": "Test split",
        "s_split_help": "Share of the data held out to measure the test loss and accuracy.",
        "s_network": "Network",
        "s_hidden": "Hidden layers",
        "s_neurons": "Neurons in layer {layer}",
        "s_sizes": "Layer sizes {sizes} · {count:,} parameters",
        "s_activation": "Activation f (hidden layers)",
        "s_loss": "Loss",
        "s_training": "Training",
        "s_lr_presets": "Learning rate η (presets)",
        "s_lr": "Learning rate η",
        "s_lr_help": "Any number above 0, up to 100.",
        "s_batch": "Batch size B (1 … {n})",
        "s_seed": "Seed",
        "s_seed_help": "The same seed gives the same weights and batches on every machine.",
        "s_lock": "Lock colour scales",
        "s_lock_help": "Keep each heatmap's colour range fixed from now on, so colours compare across steps.",
        "also_show": "Also show",
        "no_picture": "{n} input(s) and these outputs have no picture of the input space; the loss curve and the accuracies tell how training goes.",
        "layers_caption": "{shapes}: row i of W^l is neuron i of layer l, column j is neuron j of layer l+1, as in the derivation.",
        "log_scale": "Log scale",
        "subtitle": "A fully connected network trained by backpropagation, one SGD update at a time. The derivation "
                    "it teaches writes $z^{i+1} = z^i W^i + b^i$ and $\\delta^i = \\partial L / \\partial z^i$; "
                    "the app adds an activation, $a^i = f(z^i)$, and the mean over a batch. The **Derivation** view "
                    "says which is which.",
        "step": "Step",
        "run": "Run {n} steps",
        "play": "Play",
        "pause": "Pause",
        "reset": "Reset",
        "undo": "Undo",
        "step_help": "One SGD update (17), (18) on the next mini-batch",
        "reset_help": "Back to the seeded weights; history cleared",
        "undo_help": "Take back the latest step",
        "m_step": "Step",
        "m_epoch": "Epoch",
        "m_batch_loss": "Batch loss",
        "m_train_loss": "Train loss",
        "m_test_loss": "Test loss",
        "m_train_acc": "Train accuracy",
        "m_test_acc": "Test accuracy",
        "m_measured": "{label} ({k} of {n} rows)",
        "view": "View",
        "v_network": "Network",
        "v_equations": "Equations",
        "v_phases": "Phase by phase",
        "v_gradcheck": "Gradient check",
        "v_history": "History",
        "v_export": "Save and load",
        "viewing": "Showing the network as it was after step",
        "viewing_past": "You are looking at step {s} of {n}; Step continues from step {n}.",
        "view_back": "Back to step {n}",
        "phase_latest": "Phase by phase takes the next step from the latest one: go back to it first.",
        "loss": "Loss",
        "data": "Data and prediction",
        "layers": "Weights W, biases b, gradients and error terms δ",
        "press_step": "Press Step to see δ of the batch, ∂L/∂W and the update ΔW.",
        "diverged": "**Training stopped: the network diverged.** {message} When η is too large, each update "
                    "overshoots and the weights grow until they overflow. Lower η (for example by 10×) and "
                    "press Reset, or keep the current weights and go on.",
        "eq_layer": "Layer l",
        "eq_intro": "The formulas of the last step for layer {l}, with its numbers. A matrix with one row per "
                    "sample shows its first samples (chosen above) and at most {k} columns, then ⋮ and ⋯; W, b "
                    "and the gradients are written out up to {k}×{k}, larger ones appear by shape, and the "
                    "heatmaps carry their values.",
        "eq_none": "Press Step first: the equations show the numbers of the latest step.",
        "cell": "Where does one entry of ∂L/∂W come from?",
        "cell_text": "$\\partial L/\\partial W^{{{l}}}_{{{i},{j}}}$ is the mean over the batch of "
                     "$a^{{{l}}}_{{r,{i}}}\\,\\delta^{{{l1}}}_{{r,{j}}}$: column {i} of $a^{{{l}}}$ (row {i} of "
                     "$(a^{{{l}}})^T$) times column {j} of $\\delta^{{{l1}}}$, sample by sample.",
        "cell_sum": "Mean of the products = {mean:.6g}; the core's ∂L/∂W^{l}[{i}, {j}] = {value:.6g}.",
        "compare": "MSE against softmax cross-entropy, same weights, same batch",
        "compare_text": "Both losses give an output error δ^n that is 'prediction minus target'; MSE compares "
                        "the raw outputs y, cross-entropy the probabilities a = softmax(y).",
        "compare_regression": "This is a regression data set: softmax cross-entropy needs classes.",
        "phase_next": "Next phase",
        "phase_finish": "Finish: apply the update",
        "phase_restart": "Start the update again",
        "phase_intro": "One SGD update, split into the phases in which it is computed. The last phase is the "
                       "real Step: its weights are exactly those one Step gives.",
        "gc_run": "Run the gradient check",
        "gc_bugs": "Inject a bug (only into the gradients being checked; training is never affected)",
        "gc_ok": "Every layer agrees with finite differences: backprop is right.",
        "gc_kinks": "{n} sample(s) of the batch sit at a ReLU kink (a hidden z near 0), where finite differences are no derivative; they are left out of the check.",
        "gc_all_kinks": "Every sample of the batch sits at a ReLU kink (a hidden z near 0): finite differences cannot check it. Take a step and check again.",
        "history_intro": "The last {kept} steps are kept (at most {most}, within {mb} MB for this session; the "
                         "older of them keep only W and b): scrub back with the slider above the views. Below, per "
                         "layer over the steps:",
        "share": "Share this step",
        "share_text": "This link opens the same network and replays the seeded run to step {s}:",
        "export_weights": "Download the weights (.npz)",
        "export_loss": "Download the loss history (.csv)",
        "export_handout": "Download the worked step (Markdown + LaTeX)",
        "export_handout_big": "The worked-step handout is for small networks (layers and batch up to {k}).",
        "import_weights": "Load weights (.npz saved from this app, same layer sizes)",
        "import_ok": "Loaded the weights from {name}; the history starts again from them.",
        "import_bad": "The file {name} was not loaded: {reason}.",

        # -- limits and budgets (issue 8, bounds) --
        "blew_up": "**Training stopped at step {step}: the network diverged.** The loss grew from {start} to "
                   "{loss} because η = {lr} is too large for it; the weights are back at step {back}, so lower η "
                   "(for example by 10×) and go on, or press Reset.",
        "run_too_long": "Running {n} steps of this network would take about {seconds} s of the shared server; "
                        "at most {max} steps at a time here (a smaller network or batch runs more).",
        "replay_too_long": "This link asks to replay {n} steps, about {seconds} s of the shared server for this "
                           "network; at most {max} steps can be replayed, so it starts at step 0 instead.",
        "queued": "Waiting for the server to run {n} steps: another long run is going on.",
        "play_too_slow": "Play is for networks whose update and redraw take under {max} s; this one takes about {seconds} s. "
                         "Use Step or Run.",
        "q_batch_cost": "`batch={batch}` is more than one step of this network may take on a shared server "
                        "(time and memory); using {most}.",
        "batch_capped": "At most {max} for this network: a larger batch takes too long or too much memory for a "
                        "shared server.",
        "light_snapshot": "Step {s} is kept as W and b only (this session's memory budget keeps δ and the "
                          "gradients of the latest steps).",
        "export_loss_thinned": "The file holds {n} of the {steps} steps: every step from step {exact} on, older "
                               "steps thinned to every 2nd, 4th, … (its step column says which).",

        # -- links and uploads (issue 8, inputs) --
        "csv_link": "A link cannot carry an uploaded file, so the address bar leaves the data set out: whoever opens the link gets the default data set with these settings. Share the CSV file itself.",
        "data_huge": "Column {column} has a value beyond ±{high:g} in row {row}, too large to compute with (it would overflow). {note}",
        "wf_members": "it holds {n} files; a weights file holds at most {high}",
        "wf_no_zip": "its zip directory is damaged",
        "q_long": "a link value has at most {high} characters, this one {n}",
        "q_repeated": "{param} appears {n} times in the link; the last one is used.",

        # -- live canvas and Play (issue 9) --
        "per_frame": "Steps per frame of Play",
        "per_frame_n": "{k} / frame",
        "per_frame_help": "How many SGD updates each frame of Play makes (fewer on a large network)",

        # -- network diagram and colours (issue 10) --
        "dg_edges": "Edges show",
        "dg_nodes": "Neurons show",
        "dg_sample": "Sample r (1 … {b})",
        "dg_pick": "Pick a weight W^l[i, j]",
        "dg_scale": "Colour scale",
        "dg_scale_matrix": "each matrix",
        "dg_scale_family": "one per kind, all layers",
        "dg_summary": "A large network: the diagram draws each layer's strongest edges only ({n} in all) and at "
                      "most {k} neurons a layer (marked *); the heatmaps below show every weight.",
        "dg_learned": "What each neuron learned",
        "dg_learned_2d": "Each hidden neuron's output a over the input plane, in the diagram's order (a^l_j is "
                         "neuron j of layer l), from its lowest a (class 1's colour) through white to its highest "
                         "(class 2's colour).",
        "dg_learned_digits": "Column j of W¹ as an 8×8 image: the pattern neuron j of layer 2 responds to (red "
                             "adds, blue subtracts). Below, test digits with the network's prediction (the true "
                             "digit in brackets when it is wrong).",
        "dg_digits_W": "W¹: what each first-layer neuron looks for",
        "dg_digits_samples": "Digits → the network's prediction",
        "dg_pixel": "pixel",
        "dg_norms_key": "<span style='color:#7f7f7f'>▮</span> ‖δ<sup>l+1</sup>‖ (per sample)   "
                        "<span style='color:#17becf'>▮</span> ‖∂L/∂W<sup>l</sup>‖   (log scale)",
        "eq_rows": "Samples written out (the first k)",
        "eq_rows_help": "Matrices with one row per sample (X = a¹, z, a, δ, y*) write out their first k samples. "
                        "∂L/∂W and ∂L/∂b are still the mean over every sample of the batch.",
        "eq_rows_shown": "Samples 1–{k} of {B} are written out; ⋮ stands for the other {rest}. The batch means "
                         "(8) and (9) use all {B}.",
        "d_mean_all": "The mean runs over all {B} samples of the batch, not only the first {k} written out.",

        # -- gradient check and predict-then-step (issue 11) --
        "gc_intro": "Backprop's ∂L/∂W and ∂L/∂b against central differences n = (L(θ+ε) − L(θ−ε)) / 2ε with "
                    "ε = {eps}, entry by entry (a sample of the entries in large layers). Each entry's error is "
                    "|a − n| / max(|a|, |n|); an entry smaller than finite differences can measure is compared with "
                    "that size instead. A layer is judged by its worst entry: below {good} good, above {wrong} "
                    "wrong. The layer summary ‖a − n‖ / (‖a‖ + ‖n‖) is shown beside it.",
        "bug_no_activation_derivative": "forget the activation derivative ⊙ f′(z^l) in (15)",
        "bug_no_batch_mean": "forget the 1/B of the batch mean in (8) and (9)",
        "bug_W_not_transposed": "use W^l instead of (W^l)^T in (15)",
        "gc_h_layer": "layer l",
        "gc_h_worst": "worst entry",
        "gc_h_backprop": "backprop a",
        "gc_h_numeric": "finite difference n",
        "gc_h_error": "its error",
        "gc_h_summary": "layer summary",
        "gc_h_checked": "entries checked",
        "gc_of": "{n} of {total}",
        "gc_h_verdict": "verdict",
        "gc_v_good": "good",
        "gc_v_doubtful": "doubtful",
        "gc_v_wrong": "wrong",
        "gc_v_unresolved": "cannot tell",
        "gc_caught": "The gradient check catches it: layer(s) {layers} disagree with finite differences. Worst "
                     "entry ∂L/∂{entry}: backprop {a}, finite difference {n}, error {error}.",
        "gc_doubtful": "Layer(s) {layers}: the worst entry's error is between {good} and {wrong}, doubtful rather "
                       "than wrong.",
        "gc_unresolved": "Layer(s) {layers}: finite differences cannot check these weights (the largest |W| is {w}). "
                         "Measured again with ε/2, the finite difference moves by as much as it differs from "
                         "backprop: the loss is not smooth on the scale of ε, or its rounding swamps the slope. This "
                         "says nothing about backprop; Undo or Reset to smaller weights and check again.",
        "gc_rows": "To keep one click under about 2 s, this network is checked on the first {rows} of the batch's "
                   "{of} samples, with fewer entries per layer (see “entries checked”).",
        "gc_crash": "The bug crashes the backward pass: (15) at layer {l}: δ^{l1} is {B}×{n} and W^{l} is {m}×{k}, "
                    "so δ^{l1} W^{l} is undefined: only the transpose (W^l)^T makes the shapes fit.",
        "gc_none_batch1": "With B = 1 forgetting 1/B changes nothing: take a batch size above 1 to see this bug.",
        "gc_none_no_hidden": "This network has no hidden layer, so (15) feeds no gradient of W or b: the bug changes "
                             "nothing here. Add a hidden layer to see it.",
        "gc_none_identity": "With the identity activation f′(z) = 1, so forgetting ⊙ f′(z^l) changes nothing: "
                            "choose relu, tanh or sigmoid to see this bug.",
        "gc_none_all_on": "Every hidden ReLU unit is on for every sample of this batch, so f′(z^l) = 1 everywhere "
                          "and forgetting it changes nothing here. Take a step or another seed to see this bug.",
        "gc_none_symmetric": "Every W^l that (15) uses here is symmetric (W^l = (W^l)^T, as a 1×1 matrix is), so "
                             "using W^l for (W^l)^T changes nothing.",
        "gc_none_all_off": "Every unit of hidden layer {layer} is off (ReLU, z ≤ 0) for every sample of this batch: "
                           "f′(z^{layer}) = 0 makes δ^{layer} zero with W or with W^T, and every δ below it too, so "
                           "the bug changes nothing here. Take a step or another seed to see it.",
        "gc_none_same": "On this network and batch the bug happens to give exactly backprop's gradients: there is "
                        "nothing to catch.",
        "quiz_mode": "Predict, then step",
        "quiz_mode_help": "Before each Step, commit a prediction about it and see it checked against the step's "
                          "own numbers.",
        "quiz_title": "Predict, then step",
        "quiz_score": "score {right} of {asked}",
        "quiz_kind": "What to predict",
        "quiz_k_delta_sign": "the sign of δ at a neuron",
        "quiz_k_zero_cells": "which cells of ∂L/∂W are exactly 0",
        "quiz_k_loss_down": "whether the batch loss goes down",
        "quiz_k_largest_change": "which weight changes most",
        "quiz_q_delta_sign": "What sign will δ^{l} have at neuron {j} of layer {l}, for sample {r} of the next "
                             "batch (B = {B})?",
        "quiz_q_zero_cells": "Which cells of ∂L/∂W^{l} will be exactly zero in the next step? By (8), "
                             "∂L/∂W^{l} = (a^{l})^T δ^{l1}, averaged over the batch.",
        "quiz_q_loss_down": "At η = {lr}, will the next step lower the loss of its own batch (the same batch "
                            "before and after the update)?",
        "quiz_q_largest_change": "Which of these weights of W^{l} will change most in the next step (the largest "
                                 "|ΔW|, with ΔW = −η ∂L/∂W by (17))?",
        "quiz_cells": "Cells [i, j] that will be exactly 0 (leave empty for none)",
        "quiz_answer": "Your prediction",
        "quiz_commit": "Commit my prediction",
        "quiz_committed": "Your prediction, {answer}, is locked in: press Step to see it checked.",
        "quiz_right": "Right: you predicted {predicted}, and the step gave {actual}.",
        "quiz_wrong": "Not this time: you predicted {predicted}; the step gave {actual}.",
        "quiz_a_down": "goes down",
        "quiz_a_not_down": "does not go down",
        "quiz_a_none": "none",
        "quiz_f_delta_sign": "The step computed δ^{l} = {value} at sample {r}, neuron {j}: {rule}",
        "quiz_f_output": "the output layer's δ is prediction minus target, (21) y − y* or (25) a − y*.",
        "quiz_f_hidden": "a hidden layer's δ comes from the layer above, (15) δ^{l} = δ^{l1} (W^{l})^T ⊙ f′(z^{l}).",
        "quiz_f_zero_cells": "The step's ∂L/∂W^{l} has {n} of {total} cells exactly zero: {cells}. By (8) a cell "
                             "[i, j] is zero when every sample has a^{l}_i = 0 (unit i off) or δ^{l1}_j = 0.",
        "quiz_f_loss_down": "Batch loss before the update {before}; after it, on the same batch, {after}.",
        "quiz_f_largest_change": "The largest change among them: ΔW^{l}[{i}, {j}] = {value}.",

        # -- the whole derivation (issue 11) --
        # Strings without values keep single LaTeX braces; strings formatted with values double them.
        "v_derivation": "Derivation",
        "d_framing": r"**What is the derivation's and what the app adds.** The derivation this app teaches writes one "
                     r"sample as a row vector and has no activation function: a layer is $z^{i+1} = z^i W^i + b^i$, "
                     r"$\delta^i = \partial L/\partial z^i$ (1), and its gradients are (8) $(z^l)^T\delta^{l+1}$, "
                     r"(9) $\delta^{l+1}$ and (15) $\delta^{l+1}(W^l)^T$. The app adds two things. First, an "
                     r"activation $f$ in every hidden layer, which then passes on $a^i = f(z^i)$ ($a^1 = x$; the "
                     r"output has none, $y = z^n$): so its (8) reads $(a^l)^T\delta^{l+1}$ and its (15) gains "
                     r"$\odot f'(z^l)$. Second, a batch of $B$ samples, one per row: $\delta$ is kept per sample "
                     r"(row $r$ is the derivation's $\delta$ for sample $r$), while the loss and the gradients (8), (9) are "
                     r"means over the batch ($1/B$). With $B = 1$ and $f$ the identity every number is the derivation's; "
                     r"with $B = 1$ and another $f$, (8) and (15) differ from the derivation's by exactly $a$ and "
                     r"$\odot f'$. A symbol has one meaning: $a^l$ with a layer index is $f(z^l)$ of a hidden layer "
                     r"(or $x$), $a$ without one is the softmax of the output, (22).",
        "d_note_8": r"Row $r$ of $a^{{{l}}}$ and of $\delta^{{{l1}}}$ belong to sample $r$: the product sums over "
                    r"the batch, and $1/B$ makes the sum a mean.",
        "d_origin_8": r"Derivation (8): $\partial L/\partial W^{{{l}}} = (z^{{{l}}})^T\delta^{{{l1}}}$, one sample, no "
                      r"activation. Added by the app: $a^{{{l}}} = f(z^{{{l}}})$ in place of $z^{{{l}}}$, and the "
                      r"batch mean $1/B$.",
        "d_origin_8_input": r"Derivation (8): $\partial L/\partial W^{{{l}}} = (z^{{{l}}})^T\delta^{{{l1}}}$, one sample. "
                            r"Here $a^{{{l}}} = z^{{{l}}} = x$, so the app adds only the batch mean $1/B$.",
        "d_origin_9": r"Derivation (9): $\partial L/\partial b^{{{l}}} = \delta^{{{l1}}}$, one sample. Added by the app: "
                      r"the batch mean $1/B$ over the rows of $\delta^{{{l1}}}$.",
        "d_note_15_input": r"$\delta^1 = \partial L/\partial x$ is the gradient with respect to the input: layer 1 "
                           r"has no activation and nothing to update.",
        "d_origin_15_input": "Derivation (15), as the derivation writes it; one row per sample.",
        "d_note_15": r"$f$ = {f}: the product is $\partial L/\partial a^{{{l}}}$; since $a^{{{l}}} = f(z^{{{l}}})$, "
                     r"the chain rule multiplies each entry by $f'(z^{{{l}}})$ to reach "
                     r"$\delta^{{{l}}} = \partial L/\partial z^{{{l}}}$.",
        "d_origin_15": r"Derivation (15): $\delta^{{{l}}} = \delta^{{{l1}}}(W^{{{l}}})^T$, no activation. Added by the "
                       r"app: $\odot f'(z^{{{l}}})$. $\delta$ stays per sample: one row each, no $1/B$.",
        "d_note_21": r"MSE (19): $L = \tfrac12\sum_j (y_j - y^*_j)^2$, so $\partial L/\partial y = y - y^*$ (20).",
        "d_origin_21": "Derivation (21), as the derivation writes it; one row per sample.",
        "d_note_25": r"Softmax cross-entropy (23): $L = -\sum_i y^*_i \log a_i$ with $a = \mathrm{{softmax}}(y)$ "
                     r"(22); through the softmax Jacobian (24), $\partial L/\partial y = a - y^*$.",
        "d_origin_25": r"Derivation (22) and (25), as the derivation writes them; one row per sample.",
        "d_origin_17": r"Derivation (17), as the derivation writes it; $\partial L/\partial W^{{{l}}}$ is the batch mean of (8).",
        "d_origin_18": r"Derivation (18), as the derivation writes it; $\partial L/\partial b^{{{l}}}$ is the batch mean of (9).",
        "d_origin_17_18": "Derivation (17), (18), as the derivation writes them, applied to every layer at once.",
        "d_sample_r": "sample r",
        "d_product": "product",
        "d_origin_16": r"Derivation (16): (15) applied again and again from $\delta^{{{n}}}$ down to $\delta^{{{l}}}$, "
                       r"no activation; the product is taken left to right, as backprop does.",
        "d_note_16_same": r"The same matrix as $\delta^{{{l}}}$ from (15), layer by layer: no $f'$ other than 1 "
                          r"stands between these layers ($f$ is the identity, or no hidden layer lies between).",
        "d_note_16_f": r"With $f$ = {f} the product above is not $\delta^{{{l}}}$: backprop multiplies by "
                       r"$f'(z^k)$, entry by entry, right after $(W^k)^T$ for each hidden layer $k$ = {layers}. "
                       r"(16) holds as the derivation writes it only when every $f'$ is 1.",
        "d_origin_16_f": r"Added by the app: the $\odot f'$ factors; the right side is the core's $\delta^{{{l}}}$.",
        "d_note_24": r"Row $i$, column $j$: $\partial a_i/\partial y_j$ for sample {r}. Each row sums to 0, "
                     r"because the probabilities always sum to 1.",
        "d_origin_24": "Derivation (22) and (24), as the derivation writes them, for sample {r}.",
        "d_note_24_25": r"$\partial L/\partial a_i = -y^*_i/a_i$ from (23). Times the Jacobian (24), the $1/a_i$ "
                        r"cancels against $a_i$, and $\sum_i y^*_i = 1$ leaves $a - y^*$: the core's $\delta^n$ "
                        r"for sample {r}.",
        "d_origin_24_25": "The derivation's steps from (24) to (25); the row vector in the middle is computed here from "
                          "(24) and agrees with the core's (25).",
        "d_note_mse_softmax": r"With MSE on top of the softmax, $\delta^n$ keeps the Jacobian: where $a$ saturates "
                              r"near 0 or 1 every entry of (24) is small, so a confidently wrong output learns "
                              r"slowly. Cross-entropy's $\log$ cancels the Jacobian, which is why its $\delta^n$ is "
                              r"simply $a - y^*$.",
        "d_origin_mse_softmax": "Not in the derivation: the app's comparison, for sample {r}.",
        "d_note_20": "Sample {r}, output {j}: the derivative of the square brings down a 2, which cancels the ½.",
        "d_origin_20": "Derivation (19) to (21) for one entry, as the derivation writes them; sample {r}.",
        "d_note_25_entry": "Sample {r}, output {j}: the softmax probability minus the target.",
        "d_note_2_4": r"Sample {r}: of all of $z^{{{l1}}}$ only $z^{{{l1}}}_{{{j}}}$ holds "
                      r"$W^{{{l}}}_{{{i},{j}}}$, and there it multiplies $a^{{{l}}}_{{{i}}}$. The table below does "
                      r"this for every sample; the mean over the batch is this entry of (8).",
        "d_origin_2_4": r"Derivation (2) to (4), written there for the last layer with $z^{{n-1}}_i$; the app writes them "
                        r"for any layer, with $a^{{{l}}}_{{{i}}} = f(z^{{{l}}}_{{{i}}})$.",
        "d_origin_2_4_input": r"Derivation (2) to (4), written there for the last layer; here "
                              r"$a^{{{l}}}_{{{i}}} = x_{{{i}}}$, as in the derivation.",
        "d_note_10_14": r"Sample {r}: $z^{{{l}}}_{{{i}}}$ feeds every $z^{{{l1}}}_j$ through "
                        r"$W^{{{l}}}_{{{i},j}}$, so the chain rule sums over $j$: row {i} of $W^{{{l}}}$ against "
                        r"$\delta^{{{l1}}}$. The sum is added up here and agrees with the core's matrix product.",
        "d_origin_10_14": r"Derivation (10) to (14), no activation. Added by the app: $\odot f'(z^{{{l}}}_{{{i}}})$, "
                          r"because $z^{{{l}}}_{{{i}}}$ reaches the next layer only through "
                          r"$a^{{{l}}}_{{{i}}} = f(z^{{{l}}}_{{{i}}})$.",
        "d_origin_10_14_input": "Derivation (10) to (14), as the derivation writes them: layer {l} is the input, with no "
                                "activation.",
        "d_ph_forward": "Forward: layer {i} → {i1}",
        "d_origin_forward": r"Derivation: $z^{{{i1}}} = z^{{{i}}}W^{{{i}}} + b^{{{i}}}$, no activation. Added by the app: "
                            r"layer {i1} passes on $a^{{{i1}}} = f(z^{{{i1}}})$; one row per sample.",
        "d_origin_forward_out": r"Derivation: $z^{{{i1}}} = z^{{{i}}}W^{{{i}}} + b^{{{i}}}$ and $y = z^{{{i1}}}$. The "
                                r"output has no activation in the app either; one row per sample.",
        "d_note_19": r"$y = z^{{{n}}}$ against the target $y^*$, row by row.",
        "d_origin_19": r"Derivation (19) is the loss of one sample. Added by the app: the mean over the $B$ samples.",
        "d_note_23": r"$a = \mathrm{{softmax}}(y)$ with $y = z^{{{n}}}$; $\log a$ is computed as "
                     r"$y - \log\sum_k e^{{y_k}}$ after subtracting the largest $y_k$, so no exponential overflows.",
        "d_origin_23": r"Derivation (22), (23) give the loss of one sample. Added by the app: the mean over the $B$ samples.",
        "d_ph_loss": "Loss",
        "d_ph_output": "Output error δ^{n}",
        "d_ph_backward": "Backward: {number} at layer {l}",
        "d_ph_update": "Update every W and b",
        "d_handout_title": "One SGD step, worked",
        "d_handout_network": "Network {sizes}, activation f = {f}, loss = {loss}, η = {lr}, batch B = {B}, "
                             "step {step}.",
        "d_handout_input": "Input and targets",
        "d_handout_update": "Update {number}, layer {l}",
        "d_loss_mse": "MSE (19)",
        "d_loss_cross_entropy": "softmax cross-entropy (22), (23)",
        "d_act_identity": "identity",
        "d_act_relu": "relu",
        "d_act_tanh": "tanh",
        "d_act_sigmoid": "sigmoid",
        "d_framing_title": "What is the derivation's and what the app adds",
        "d_cell_i": "i (row of W, neuron of layer l)",
        "d_cell_j": "j (column of W, neuron of layer l+1)",
        "d_cell_r": "Sample r of the batch",
        "d_cell_table": r"The derivation's (4), $\partial L/\partial W_{{i,j}} = \delta_j\, z_i$, in batch form: "
                        r"one row per sample, $a^{{{l}}}$ in place of $z^{{{l}}}$.",
        "d_rest": "The rest of the derivation, with this step's numbers",
        "d_16_title": r"(16): $\delta^l$ straight from $\delta^n$",
        "d_24_title": r"(24) to (25): why cross-entropy's $\delta^n$ is so simple",
        "d_24_regression": "(24) needs class targets, and this is a regression data set.",
        "d_entry_title": "One scalar through the chain rule: (2) to (4), (10) to (14), (20)",
        "d_doc_link": "The whole derivation in words, with what the app adds marked: the **Derivation** view.",
        "d_doc_open": "Open the derivation",
        "d_doc_missing": "The text of the derivation is missing from this installation.",

        # -- strings that were English-only (issue 11, 中文) --
        "s_language": "Language",
        "n_steps_label": "Number of steps",
        "loss_mse": "MSE ½(y − y*)²",
        "loss_cross_entropy": "softmax cross-entropy",
        "ds_xor": "XOR (four quadrant blobs)",
        "ds_circles": "Circles (inner and outer ring)",
        "ds_gaussians": "Two Gaussians",
        "ds_spiral": "Spiral (2 arms)",
        "ds_spiral3": "Spiral (3 arms)",
        "ds_sine": "Sine wave (regression: y = sin x + noise)",
        "ds_plane": "Plane (regression: y = 2 x1 - x2 + 0.5 + noise)",
        "ds_iris": "Iris flowers (150 samples, 3 species)",
        "ds_digits": "Handwritten digits (8x8 pixels, 10 classes)",
        "ds_csv": "Upload a CSV…",
        "c_inner": "inner",
        "c_outer": "outer",
        "c_arm_1": "arm 1",
        "c_arm_2": "arm 2",
        "c_arm_3": "arm 3",
        "c_setosa": "setosa",
        "c_versicolor": "versicolor",
        "c_virginica": "virginica",
        "p_train_batch": "train (batch)",
        "p_test_set": "test (whole set)",
        "p_loss_axis": "loss L",
        "p_step_axis": "step",
        "p_train": "train",
        "p_test": "test",
        "p_class_test": "{name} (test)",
        "p_predicted_class": "predicted class",
        "p_targets": "targets y*",
        "p_surface_key": "● targets y*, ▦ the network's y: one colour scale",
        "p_network_curve": "network y(x)",
        "p_delta_title": "δ<sup>{l}</sup> (a row per sample)",
        "p_norm_delta": "‖δ<sup>l+1</sup>‖ (per sample)",
        "p_update_ratio": "update ratio ‖ΔW<sup>l</sup>‖ / ‖W<sup>l</sup>‖",
        "p_layer": "layer {l}",
        "p_new": "{name} (new)",
        "p_compare_mse": "MSE: δ^{n} = y − y*",
        "p_compare_ce": "cross-entropy: δ^{n} = a − y*",
        "csv_file": "CSV file (a header row, numeric features)",
        "csv_wait": "Upload a CSV file to train on it; until then the network keeps its current data.",
        "csv_target": "Target column",
        "csv_task": "Task",
        "task_auto": "auto",
        "task_classification": "classification",
        "task_regression": "regression",
        "csv_bad": "This CSV cannot be used: {error}",
        "lr_bad": "η = {text}: {error}. Still using η = {lr}.",
        "link_problem": "Link: {problem}",
        "rebuilt": "Rebuilt the network from seed {seed}: the network, data or seed changed.",
        "diverged_step": "the step at η = {lr:g} made the loss or the weights overflow (no longer finite); "
                         "the weights were kept as they were before it.",
        # what a link or a widget got wrong (explorer/state.py)
        "q_bad_value": "{param}: {error}; using the default {default}.",
        "q_bad_page": "{param}: {name} {error}; ignored.",
        "q_hidden_count": "at most {n} hidden layers",
        "q_hidden_sizes": "hidden layer sizes must be whole numbers from 1 to {high} (digits 0–9), comma-separated",
        "q_number": "{what} must be a number written with the digits 0–9, like 0.03 or 1e-4",
        "q_lr_range": "the learning rate η must be a number above 0 and at most {high:g}",
        "q_int_range": "{what} must be a whole number from {low} to {high}, written with the digits 0–9",
        "q_float_range": "{what} must be a number from {low:g} to {high:g}",
        "q_choice": "{what} must be one of {choices}",
        "q_flag": "must be 1 or 0",
        "q_hide": "can hide only {parts}",
        "q_needs_classes": "`loss=cross_entropy` needs classes, and {dataset} is a regression set; using mse.",
        "q_batch_rows": "`batch={batch}` is more than the {n} training rows; using {n}.",
        "what_lr": "the learning rate η",
        "what_batch": "the batch size",
        "what_seed": "the seed",
        "what_noise": "the noise",
        "what_split": "the test split",
        "what_dataset": "the data set",
        "what_activation": "the activation",
        "what_loss": "the loss",
        "what_step": "the step to replay to",
        "what_lang": "the language",
        # what is wrong with a data set or an uploaded CSV (explorer/data.py)
        "data_regression_ce": "{name} is a regression data set (it predicts numbers, not classes), so the "
                           "cross-entropy loss does not apply; use the 'mse' loss",
        "data_damaged": "shipped file for {name!r} is damaged: shape {shape}",
        "data_rows_note": "Rows are counted from 1, starting at the first row after the header.",
        "data_too_big": "The file is larger than {mb} MB, the size limit.",
        "data_unreadable": "cannot read the file {name}: {reason}",
        "data_empty": "The file is empty.",
        "data_no_header": "The file is empty: it has no header row or columns.",
        "data_not_utf8": "The file is not a text CSV file (it is not UTF-8 text); save it as 'CSV UTF-8' and try again.",
        "data_long_rows": "The file could not be read as CSV: some rows have more fields than the header row has "
                       "column names.",
        "data_bad_line": "The file could not be read as CSV: line {line} has {found} values but the lines before it "
                      "have {expected}; look for an extra comma or a text value with a comma and no quotes.",
        "data_parse": "The file could not be read as CSV: look for an unclosed quote or a stray separator.",
        "data_one_column": "The file has {n} column; at least 2 are needed (one or more features and a target). "
                        "Is it comma-separated?",
        "data_many_columns": "The file has {n} columns, so {features} feature columns; at most {high} feature "
                          "columns are allowed.",
        "data_few_rows": "Too few data rows: the file has {n}; at least {low} are needed.",
        "data_many_rows": "Too many data rows: the file has {n:,}; at most {high:,} are allowed.",
        "data_no_column": "There is no column {target}; the columns are: {columns}.",
        "data_cell": "{column} (row {row}: {value})",
        "data_not_numeric": "Feature columns must contain numbers only; these do not: {cells}. {note}",
        "data_missing": "Column {column} has a missing value in row {row}. {note}",
        "data_infinite": "Column {column} has an infinite value in row {row}. {note}",
        "data_text_target": "The target column {target} is not numeric, so it cannot be a regression target; "
                         "choose classification.",
        "data_constant_target": "The target column {target} has the same value in every row, so there is "
                             "nothing to learn.",
        "data_class_count": "The target column {target} has {n} distinct value(s); classification needs 2 to "
                         "{high} classes.",
        # what is wrong with a weights file (explorer/export.py)
        "wf_too_big": "the file is over {mb} MB",
        "wf_not_npz": "it is not a readable .npz file (a .npz is a zip archive of arrays, as this app saves)",
        "wf_unpacks": "it unpacks to {size:.0f} MB, over the {limit} MB limit",
        "wf_pickle": "it holds Python objects (pickled data), which are never loaded",
        "wf_unreadable": "it is not a readable .npz file ({detail})",
        "wf_not_arrays": "it is not a readable .npz file ({names} not a NumPy array)",
        "wf_missing": "{name} is missing; this network needs W1 … W{n} and b1 … b{n}",
        "wf_shape": "{name} has shape {shape}, but this network's {name} is {expected}",
        "wf_dtype": "{name} holds {dtype} values, not numbers",
        "wf_nonfinite": "{name} holds NaN or infinite values",
        "wf_extra": "it has more layers ({names}) than this network {sizes}",

    },
    "zh": {
        "title": "反向传播探索器",
        "s_data": "数据",
        "s_dataset": "数据集",
        "s_noise": "噪声",
        "s_noise_help": "生成数据点的离散程度（仅对生成的数据集）。",
        "s_split": "测试集比例",
        "s_split_help": "留出用于计算测试损失和准确率的数据比例。",
        "s_network": "网络",
        "s_hidden": "隐藏层数",
        "s_neurons": "第 {layer} 层神经元数",
        "s_sizes": "各层大小 {sizes} · 共 {count:,} 个参数",
        "s_activation": "激活函数 f（隐藏层）",
        "s_loss": "损失函数",
        "s_training": "训练",
        "s_lr_presets": "学习率 η（预设）",
        "s_lr": "学习率 η",
        "s_lr_help": "大于 0、不超过 100 的任意数。",
        "s_batch": "批大小 B（1 … {n}）",
        "s_seed": "随机种子",
        "s_seed_help": "同一个种子在任何机器上都给出相同的权重和批次。",
        "s_lock": "锁定颜色范围",
        "s_lock_help": "从现在起固定每个热力图的颜色范围，便于跨步比较颜色。",
        "also_show": "同时显示",
        "no_picture": "{n} 个输入与这些输出无法画出输入空间；请看损失曲线和准确率了解训练进展。",
        "layers_caption": "{shapes}：W^l 的第 i 行对应第 l 层的第 i 个神经元，第 j 列对应第 l+1 层的第 j 个神经元，与推导一致。",
        "log_scale": "对数坐标",
        "subtitle": "全连接网络的反向传播，每次一步 SGD 更新。所讲的推导写作 $z^{i+1} = z^i W^i + b^i$，"
                    "$\\delta^i = \\partial L / \\partial z^i$；本应用加上激活函数 $a^i = f(z^i)$ 和整批平均。"
                    "“推导”视图说明哪些是原文的、哪些是本应用加的。",
        "step": "单步",
        "run": "运行 {n} 步",
        "play": "播放",
        "pause": "暂停",
        "reset": "重置",
        "undo": "撤销",
        "step_help": "在下一个小批量上做一次 SGD 更新 (17)、(18)",
        "reset_help": "回到由种子生成的初始权重，清空历史",
        "undo_help": "撤回最近一步",
        "m_step": "步数",
        "m_epoch": "轮次",
        "m_batch_loss": "批损失",
        "m_train_loss": "训练损失",
        "m_test_loss": "测试损失",
        "m_train_acc": "训练准确率",
        "m_test_acc": "测试准确率",
        "m_measured": "{label}（{n} 行中的 {k} 行）",
        "view": "视图",
        "v_network": "网络",
        "v_equations": "公式",
        "v_phases": "分阶段",
        "v_gradcheck": "梯度检验",
        "v_history": "历史",
        "v_export": "保存与加载",
        "viewing": "显示第几步之后的网络",
        "viewing_past": "正在查看第 {s} 步（共 {n} 步）；单步将从第 {n} 步继续。",
        "view_back": "回到第 {n} 步",
        "phase_latest": "逐阶段演示从最新一步开始下一步：请先回到最新一步。",
        "loss": "损失",
        "data": "数据与预测",
        "layers": "权重 W、偏置 b、梯度与误差项 δ",
        "press_step": "点击“单步”后可看到本批的 δ、∂L/∂W 和更新量 ΔW。",
        "diverged": "**训练已停止：网络发散。** {message} 学习率 η 过大时，每次更新都会越过最优点，权重不断增大直至溢出。"
                    "请把 η 调小（例如缩小 10 倍）后点击重置，或保留当前权重继续。",
        "eq_layer": "第 l 层",
        "eq_intro": "第 {l} 层在最近一步中的公式与数值。每行对应一个样本的矩阵写出前几个样本（在上方选择）和至多 {k} 列，"
                    "其余以 ⋮ 和 ⋯ 表示；W、b 及其偏导不超过 {k}×{k} 时写出全部元素，更大的只写形状，数值见热力图。",
        "eq_none": "请先点击“单步”：公式显示最近一步的数值。",
        "cell": "∂L/∂W 的一个元素从何而来？",
        "cell_text": "$\\partial L/\\partial W^{{{l}}}_{{{i},{j}}}$ 是 $a^{{{l}}}_{{r,{i}}}\\,\\delta^{{{l1}}}_{{r,{j}}}$ "
                     "在批上的平均：$a^{{{l}}}$ 的第 {i} 列（$(a^{{{l}}})^T$ 的第 {i} 行）与 $\\delta^{{{l1}}}$ 的第 {j} 列逐样本相乘。",
        "cell_sum": "乘积的平均 = {mean:.6g}；核心算出的 ∂L/∂W^{l}[{i}, {j}] = {value:.6g}。",
        "compare": "均方差与 softmax 交叉熵：同样的权重，同样的批",
        "compare_text": "两种损失的输出误差 δ^n 都是“预测减真实值”：均方差比较原始输出 y，交叉熵比较概率 a = softmax(y)。",
        "compare_regression": "这是回归数据集：softmax 交叉熵需要类别。",
        "phase_next": "下一阶段",
        "phase_finish": "完成：执行更新",
        "phase_restart": "重新开始本次更新",
        "phase_intro": "把一次 SGD 更新按计算顺序拆成若干阶段。最后一个阶段就是真正的“单步”，得到的权重与单步完全相同。",
        "gc_run": "运行梯度检验",
        "gc_bugs": "注入错误（只影响被检验的梯度，不影响训练）",
        "gc_ok": "每一层都与有限差分一致：反向传播是正确的。",
        "gc_kinks": "本批有 {n} 个样本位于 ReLU 的折点（某个隐藏层 z 接近 0），有限差分在那里不是导数，已从检验中排除。",
        "gc_all_kinks": "本批每个样本都位于 ReLU 折点（隐藏层 z 接近 0），无法用有限差分检验。请先走一步再检验。",
        "history_intro": "保存了最近 {kept} 步（最多 {most} 步，本会话内存上限 {mb} MB；较早的步只保存 W 和 b）："
                         "用视图上方的滑块回看。下面是各层随步数的变化：",
        "share": "分享这一步",
        "share_text": "此链接打开同一个网络，并按种子重放到第 {s} 步：",
        "export_weights": "下载权重 (.npz)",
        "export_loss": "下载损失历史 (.csv)",
        "export_handout": "下载本步的完整推导（Markdown + LaTeX）",
        "export_handout_big": "完整推导讲义只适用于小网络（各层与批大小不超过 {k}）。",
        "import_weights": "加载权重（本应用保存的 .npz，层大小相同）",
        "import_ok": "已从 {name} 加载权重；历史从这些权重重新开始。",
        "import_bad": "未加载文件 {name}：{reason}。",

        # -- limits and budgets (issue 8, bounds) --
        "blew_up": "**训练在第 {step} 步停止：网络发散。** 损失从 {start} 增大到 {loss}，因为学习率 η = {lr} "
                   "对这个网络太大；权重已退回第 {back} 步，请调小 η（例如缩小 10 倍）后继续，或点击重置。",
        "run_too_long": "这个网络运行 {n} 步大约要占用共享服务器 {seconds} 秒；这里一次最多运行 {max} 步"
                        "（网络或批更小时可以运行更多步）。",
        "replay_too_long": "此链接要求重放 {n} 步，对这个网络大约要占用共享服务器 {seconds} 秒；最多只能重放 {max} 步，"
                           "因此从第 0 步开始。",
        "queued": "等待服务器运行 {n} 步：另一个长时间运行正在进行。",
        "play_too_slow": "播放只适用于每次更新加重绘少于 {max} 秒的网络；这个网络每次约 {seconds} 秒。请使用单步或运行。",
        "q_batch_cost": "`batch={batch}` 超过了这个网络在共享服务器上一步所允许的大小（时间与内存）；改用 {most}。",
        "batch_capped": "这个网络最多为 {max}：更大的批在共享服务器上耗时或占用内存过多。",
        "light_snapshot": "第 {s} 步只保存了 W 和 b（本会话的内存预算只保存最近几步的 δ 和梯度）。",
        "export_loss_thinned": "文件包含 {steps} 步中的 {n} 步：从第 {exact} 步起每一步都有，更早的步按每 2、4…… "
                               "步抽取一步（见 `step` 列）。",

        # -- links and uploads (issue 8, inputs) --
        "csv_link": "链接无法携带上传的文件，因此地址栏中不包含数据集：打开此链接的人会以这些设置使用默认数据集。请直接分享 CSV 文件。",
        "data_huge": "列 {column} 在第 {row} 行有一个绝对值超过 {high:g} 的值，太大，计算会溢出。{note}",
        "wf_members": "它含有 {n} 个文件；权重文件最多含 {high} 个",
        "wf_no_zip": "它的压缩包目录已损坏",
        "q_long": "链接中的值最多 {high} 个字符，这个有 {n} 个",
        "q_repeated": "{param} 在链接中出现了 {n} 次；使用最后一个。",

        # -- live canvas and Play (issue 9) --
        "per_frame": "播放时每帧的步数",
        "per_frame_n": "每帧 {k} 步",
        "per_frame_help": "播放时每一帧做多少次 SGD 更新（网络很大时会少一些）",

        # -- network diagram and colours (issue 10) --
        "dg_edges": "连线显示",
        "dg_nodes": "神经元显示",
        "dg_sample": "样本 r（1 … {b}）",
        "dg_pick": "选一个权重 W^l[i, j]",
        "dg_scale": "颜色范围",
        "dg_scale_matrix": "每个矩阵各自",
        "dg_scale_family": "同类矩阵跨层统一",
        "dg_summary": "网络较大：示意图每层只画最强的连线（共 {n} 条），每层最多 {k} 个神经元（标 *）；下方热力图显示全部权重。",
        "dg_learned": "每个神经元学到了什么",
        "dg_learned_2d": "每个隐藏神经元的输出 a 在输入平面上的分布，顺序与示意图一致（a^l_j 是第 l 层第 j 个神经元），"
                         "颜色从该层最小的 a（类别 1 的颜色）经白色到最大的 a（类别 2 的颜色）。",
        "dg_learned_digits": "W¹ 的第 j 列画成 8×8 图像：第 2 层第 j 个神经元响应的模式（红色加、蓝色减）。"
                             "下面是测试集中的数字和网络的预测（预测错误时括号里是真实数字）。",
        "dg_digits_W": "W¹：第一层每个神经元在找什么",
        "dg_digits_samples": "数字 → 网络的预测",
        "dg_pixel": "像素",
        "dg_norms_key": "<span style='color:#7f7f7f'>▮</span> ‖δ<sup>l+1</sup>‖（每个样本）   "
                        "<span style='color:#17becf'>▮</span> ‖∂L/∂W<sup>l</sup>‖   （对数坐标）",
        "eq_rows": "写出的样本数（前 k 个）",
        "eq_rows_help": "每行对应一个样本的矩阵（X = a¹、z、a、δ、y*）只写出前 k 个样本。"
                        "偏导 ∂L/∂W 和 ∂L/∂b 仍是本批全部样本的平均。",
        "eq_rows_shown": "写出了 {B} 个样本中的第 1–{k} 个；⋮ 代表其余 {rest} 个。批平均 (8) 和 (9) 用的是全部 {B} 个样本。",
        "d_mean_all": "平均是对本批全部 {B} 个样本求的，不只是写出的前 {k} 个。",

        # -- gradient check and predict-then-step (issue 11) --
        "gc_intro": "用中心差分 n = (L(θ+ε) − L(θ−ε)) / 2ε（ε = {eps}）逐个检验反向传播得到的偏导 ∂L/∂W 和 ∂L/∂b"
                    "（大层抽样检验）。每个元素的误差为 |a − n| / max(|a|, |n|)；比有限差分能测出的还小的元素，改用那个大小作分母。"
                    "每层按其最差的元素判定：小于 {good} 为正确，大于 {wrong} 为错误。旁边给出整层的汇总 ‖a − n‖ / (‖a‖ + ‖n‖)。",
        "bug_no_activation_derivative": "在 (15) 中忘记激活函数的导数 ⊙ f′(z^l)",
        "bug_no_batch_mean": "在 (8) 和 (9) 中忘记批平均的 1/B",
        "bug_W_not_transposed": "在 (15) 中用 W^l 代替 (W^l)^T",
        "gc_h_layer": "第 l 层",
        "gc_h_worst": "最差的元素",
        "gc_h_backprop": "反向传播 a",
        "gc_h_numeric": "有限差分 n",
        "gc_h_error": "其误差",
        "gc_h_summary": "整层汇总",
        "gc_h_checked": "已检验的元素",
        "gc_of": "{total} 个中的 {n} 个",
        "gc_h_verdict": "结论",
        "gc_v_good": "正确",
        "gc_v_doubtful": "存疑",
        "gc_v_wrong": "错误",
        "gc_v_unresolved": "无法判断",
        "gc_caught": "梯度检验发现了错误：第 {layers} 层与有限差分不一致。最差的元素 ∂L/∂{entry}：反向传播 {a}，"
                     "有限差分 {n}，误差 {error}。",
        "gc_doubtful": "第 {layers} 层：最差元素的误差在 {good} 与 {wrong} 之间，存疑而非错误。",
        "gc_unresolved": "第 {layers} 层：有限差分无法检验这样的权重（最大的 |W| 为 {w}）。用 ε/2 重新计算，有限差分的变化与它和"
                         "反向传播的差一样大：损失在 ε 的尺度上并不光滑，或者舍入误差淹没了斜率。这与反向传播是否正确无关；"
                         "请撤销或重置到较小的权重后再检验。",
        "gc_rows": "为使一次点击不超过约 2 秒，这个网络只用本批 {of} 个样本中的前 {rows} 个来检验，每层检验的元素也更少"
                   "（见“已检验的元素”）。",
        "gc_crash": "这个错误会使反向传播崩溃：第 {l} 层的 (15)：δ^{l1} 是 {B}×{n}，W^{l} 是 {m}×{k}，"
                    "所以 δ^{l1} W^{l} 无定义：只有转置 (W^l)^T 才能使形状匹配。",
        "gc_none_batch1": "B = 1 时忘记 1/B 不会改变结果：把批大小设为大于 1 才能看到这个错误。",
        "gc_none_no_hidden": "这个网络没有隐藏层，(15) 不参与任何 W 或 b 的梯度：这个错误在这里不改变任何东西。加一个隐藏层才能看到它。",
        "gc_none_identity": "恒等激活函数的 f′(z) = 1，所以忘记 ⊙ f′(z^l) 不改变任何东西：选择 ReLU、tanh 或 sigmoid 才能看到这个错误。",
        "gc_none_all_on": "本批每个样本的每个隐藏 ReLU 单元都处于激活状态，f′(z^l) 处处为 1，忘记它在这里不改变任何东西。"
                          "走一步或换一个种子才能看到这个错误。",
        "gc_none_symmetric": "(15) 在这里用到的每个 W^l 都是对称的（W^l = (W^l)^T，1×1 矩阵就是如此），"
                             "所以用 W^l 代替 (W^l)^T 不改变任何东西。",
        "gc_none_all_off": "本批每个样本在隐藏层 {layer} 的每个单元都未激活（ReLU，z ≤ 0）：f′(z^{layer}) = 0 使 δ^{layer} "
                           "无论用 W 还是 W^T 都为零，其下各层的 δ 也为零，所以这个错误在这里不改变任何东西。走一步或换一个种子才能看到它。",
        "gc_none_same": "在这个网络和这一批上，这个错误恰好给出与反向传播完全相同的梯度：没有什么可发现的。",
        "quiz_mode": "先预测，再单步",
        "quiz_mode_help": "每次单步之前先提交对它的预测，再用这一步的实际数值检验。",
        "quiz_title": "先预测，再单步",
        "quiz_score": "得分：{asked} 题中答对 {right} 题",
        "quiz_kind": "预测什么",
        "quiz_k_delta_sign": "某个神经元上 δ 的符号",
        "quiz_k_zero_cells": "∂L/∂W 的哪些元素恰好为 0",
        "quiz_k_loss_down": "批损失是否下降",
        "quiz_k_largest_change": "哪个权重变化最大",
        "quiz_q_delta_sign": "对下一批（B = {B}）的第 {r} 个样本，第 {l} 层第 {j} 个神经元的 δ^{l} 是什么符号？",
        "quiz_q_zero_cells": "下一步中 ∂L/∂W^{l} 的哪些元素恰好为零？由 (8)，∂L/∂W^{l} = (a^{l})^T δ^{l1}，对批取平均。",
        "quiz_q_loss_down": "在 η = {lr} 下，下一步会降低它自己那一批的损失吗（同一批在更新前后的损失）？",
        "quiz_q_largest_change": "下一步中 W^{l} 的这些权重里哪一个变化最大（|ΔW| 最大，由 (17)，ΔW = −η ∂L/∂W）？",
        "quiz_cells": "将恰好为 0 的元素 [i, j]（没有就留空）",
        "quiz_answer": "你的预测",
        "quiz_commit": "提交我的预测",
        "quiz_committed": "你的预测“{answer}”已锁定：点击“单步”查看结果。",
        "quiz_right": "答对了：你预测“{predicted}”，这一步给出“{actual}”。",
        "quiz_wrong": "这次没对：你预测“{predicted}”，这一步给出“{actual}”。",
        "quiz_a_down": "下降",
        "quiz_a_not_down": "不下降",
        "quiz_a_none": "没有",
        "quiz_f_delta_sign": "这一步算出第 {r} 个样本、第 {j} 个神经元的 δ^{l} = {value}：{rule}",
        "quiz_f_output": "输出层的 δ 是预测减去目标，(21) y − y* 或 (25) a − y*。",
        "quiz_f_hidden": "隐藏层的 δ 来自上一层，(15) δ^{l} = δ^{l1} (W^{l})^T ⊙ f′(z^{l})。",
        "quiz_f_zero_cells": "这一步的 ∂L/∂W^{l} 在 {total} 个元素中有 {n} 个恰好为零：{cells}。由 (8)，当每个样本都有 "
                             "a^{l}_i = 0（单元 i 未激活）或 δ^{l1}_j = 0 时，元素 [i, j] 为零。",
        "quiz_f_loss_down": "更新前的批损失为 {before}；更新后，同一批的损失为 {after}。",
        "quiz_f_largest_change": "其中变化最大的：ΔW^{l}[{i}, {j}] = {value}。",

        # -- the whole derivation (issue 11) --
        "v_derivation": "推导",
        "d_framing": r"**哪些是推导原文的，哪些是本应用加的。** 本应用所讲的推导把一个样本写成行向量，并且没有激活函数："
                     r"一层是 $z^{i+1} = z^i W^i + b^i$，$\delta^i = \partial L/\partial z^i$ (1)，各偏导为 "
                     r"(8) $(z^l)^T\delta^{l+1}$、(9) $\delta^{l+1}$ 和 (15) $\delta^{l+1}(W^l)^T$。本应用加了两点。"
                     r"其一，每个隐藏层有激活函数 $f$，向后传递 $a^i = f(z^i)$（$a^1 = x$；输出层没有激活函数，$y = z^n$）："
                     r"因此本应用的 (8) 写作 $(a^l)^T\delta^{l+1}$，(15) 多出 $\odot f'(z^l)$。其二，一批 $B$ 个样本，"
                     r"每个样本一行：$\delta$ 按样本保存（第 $r$ 行就是样本 $r$ 在原文中的 $\delta$），而损失和偏导 "
                     r"(8)、(9) 是整批的平均（$1/B$）。$B = 1$ 且 $f$ 为恒等函数时，每个数都与原文相同；$B = 1$ 而 $f$ "
                     r"不是恒等函数时，(8) 和 (15) 与原文的差别恰好是 $a$ 和 $\odot f'$。每个符号只有一个含义：带层号的 "
                     r"$a^l$ 是隐藏层的 $f(z^l)$（或 $x$），不带层号的 $a$ 是输出的 softmax，即 (22)。",
        "d_note_8": r"$a^{{{l}}}$ 与 $\delta^{{{l1}}}$ 的第 $r$ 行都属于样本 $r$：矩阵乘积对整批求和，乘以 $1/B$ 得到平均。",
        "d_origin_8": r"推导原文 (8)：单个样本、没有激活函数时 $\partial L/\partial W^{{{l}}} = (z^{{{l}}})^T\delta^{{{l1}}}$。"
                      r"本应用所加：用 $a^{{{l}}} = f(z^{{{l}}})$ 代替 $z^{{{l}}}$，并对整批取平均 $1/B$。",
        "d_origin_8_input": r"推导原文 (8)：单个样本时 $\partial L/\partial W^{{{l}}} = (z^{{{l}}})^T\delta^{{{l1}}}$。"
                            r"这里 $a^{{{l}}} = z^{{{l}}} = x$，本应用只加上整批平均 $1/B$。",
        "d_origin_9": r"推导原文 (9)：单个样本时 $\partial L/\partial b^{{{l}}} = \delta^{{{l1}}}$。"
                      r"本应用所加：对 $\delta^{{{l1}}}$ 的各行取整批平均 $1/B$。",
        "d_note_15_input": r"$\delta^1 = \partial L/\partial x$ 是损失对输入的偏导（梯度）：第 1 层没有激活函数，也没有要更新的参数。",
        "d_origin_15_input": "推导原文 (15)，与原文相同；每个样本一行。",
        "d_note_15": r"$f$ = {f}：乘积是 $\partial L/\partial a^{{{l}}}$；因为 $a^{{{l}}} = f(z^{{{l}}})$，由链式法则每个元素"
                     r"再乘以 $f'(z^{{{l}}})$，才得到 $\delta^{{{l}}} = \partial L/\partial z^{{{l}}}$。",
        "d_origin_15": r"推导原文 (15)：没有激活函数时 $\delta^{{{l}}} = \delta^{{{l1}}}(W^{{{l}}})^T$。"
                       r"本应用所加：$\odot f'(z^{{{l}}})$。$\delta$ 仍按样本保存：每个样本一行，不乘 $1/B$。",
        "d_note_21": r"均方差损失 (19)：$L = \tfrac12\sum_j (y_j - y^*_j)^2$，所以 $\partial L/\partial y = y - y^*$ (20)。",
        "d_origin_21": "推导原文 (21)，与原文相同；每个样本一行。",
        "d_note_25": r"带 softmax 的交叉熵损失 (23)：$L = -\sum_i y^*_i \log a_i$，其中 $a = \mathrm{{softmax}}(y)$ (22)；"
                     r"经过 softmax 的雅可比矩阵 (24)，得到 $\partial L/\partial y = a - y^*$。",
        "d_origin_25": "推导原文 (22) 与 (25)，与原文相同；每个样本一行。",
        "d_origin_17": r"推导原文 (17)，与原文相同；$\partial L/\partial W^{{{l}}}$ 是 (8) 的整批平均。",
        "d_origin_18": r"推导原文 (18)，与原文相同；$\partial L/\partial b^{{{l}}}$ 是 (9) 的整批平均。",
        "d_origin_17_18": "推导原文 (17)、(18)，与原文相同，同时用于每一层。",
        "d_sample_r": "样本 r",
        "d_product": "乘积",
        "d_origin_16": r"推导原文 (16)：从 $\delta^{{{n}}}$ 到 $\delta^{{{l}}}$ 反复应用 (15)，没有激活函数；"
                       r"乘积从左到右计算，与反向传播的顺序相同。",
        "d_note_16_same": r"与逐层用 (15) 得到的 $\delta^{{{l}}}$ 是同一个矩阵：这些层之间除了 1 没有别的 $f'$"
                          r"（$f$ 是恒等函数，或中间没有隐藏层）。",
        "d_note_16_f": r"$f$ = {f} 时，上面的乘积不是 $\delta^{{{l}}}$：对每个隐藏层 $k$ = {layers}，反向传播在乘完 "
                       r"$(W^k)^T$ 之后逐元素乘以 $f'(z^k)$。只有每个 $f'$ 都是 1 时，(16) 才按原文成立。",
        "d_origin_16_f": r"本应用所加：各个 $\odot f'$ 因子；右边是核心算出的 $\delta^{{{l}}}$。",
        "d_note_24": r"第 $i$ 行第 $j$ 列：样本 {r} 的 $\partial a_i/\partial y_j$。每行之和为 0，因为概率之和恒为 1。",
        "d_origin_24": "推导原文 (22) 与 (24)，与原文相同，针对样本 {r}。",
        "d_note_24_25": r"由 (23) 得 $\partial L/\partial a_i = -y^*_i/a_i$。乘以雅可比矩阵 (24) 后，$1/a_i$ 与 $a_i$ 相消，"
                        r"再用 $\sum_i y^*_i = 1$ 就只剩 $a - y^*$：正是核心算出的样本 {r} 的 $\delta^n$。",
        "d_origin_24_25": "推导原文从 (24) 到 (25) 的步骤；中间的行向量在这里由 (24) 算出，与核心的 (25) 一致。",
        "d_note_mse_softmax": r"如果在 softmax 之后用均方差损失，$\delta^n$ 会保留雅可比矩阵：$a$ 接近 0 或 1 时 (24) 的"
                              r"每个元素都很小，错得很有把握的输出学得很慢。交叉熵的 $\log$ 抵消了雅可比矩阵，"
                              r"所以它的 $\delta^n$ 就是 $a - y^*$。",
        "d_origin_mse_softmax": "推导原文中没有：本应用加的对比，样本 {r}。",
        "d_note_20": "样本 {r}，第 {j} 个输出：平方求导得到的 2 与 ½ 相消。",
        "d_origin_20": "推导原文 (19) 到 (21)，针对一个元素，与原文相同；样本 {r}。",
        "d_note_25_entry": "样本 {r}，第 {j} 个输出：softmax 概率减去真实值。",
        "d_note_2_4": r"样本 {r}：$z^{{{l1}}}$ 中只有 $z^{{{l1}}}_{{{j}}}$ 含有 $W^{{{l}}}_{{{i},{j}}}$，"
                      r"且在那里乘以 $a^{{{l}}}_{{{i}}}$。下表对每个样本都这样算；整批平均就是 (8) 的这个元素。",
        "d_origin_2_4": r"推导原文 (2) 到 (4)，原文针对最后一层，用 $z^{{n-1}}_i$；本应用对任一层写出，"
                        r"用 $a^{{{l}}}_{{{i}}} = f(z^{{{l}}}_{{{i}}})$。",
        "d_origin_2_4_input": r"推导原文 (2) 到 (4)，原文针对最后一层；这里 $a^{{{l}}}_{{{i}}} = x_{{{i}}}$，与原文一致。",
        "d_note_10_14": r"样本 {r}：$z^{{{l}}}_{{{i}}}$ 经 $W^{{{l}}}_{{{i},j}}$ 影响每一个 $z^{{{l1}}}_j$，所以链式法则"
                        r"对 $j$ 求和：$W^{{{l}}}$ 的第 {i} 行与 $\delta^{{{l1}}}$ 逐项相乘。此和在这里逐项相加，"
                        r"与核心的矩阵乘积一致。",
        "d_origin_10_14": r"推导原文 (10) 到 (14)，没有激活函数。本应用所加：$\odot f'(z^{{{l}}}_{{{i}}})$，"
                          r"因为 $z^{{{l}}}_{{{i}}}$ 只能经由 $a^{{{l}}}_{{{i}}} = f(z^{{{l}}}_{{{i}}})$ 影响下一层。",
        "d_origin_10_14_input": "推导原文 (10) 到 (14)，与原文相同：第 {l} 层是输入层，没有激活函数。",
        "d_ph_forward": "前向：第 {i} 层 → 第 {i1} 层",
        "d_origin_forward": r"推导原文：$z^{{{i1}}} = z^{{{i}}}W^{{{i}}} + b^{{{i}}}$，没有激活函数。本应用所加："
                            r"第 {i1} 层向后传递 $a^{{{i1}}} = f(z^{{{i1}}})$；每个样本一行。",
        "d_origin_forward_out": r"推导原文：$z^{{{i1}}} = z^{{{i}}}W^{{{i}}} + b^{{{i}}}$，$y = z^{{{i1}}}$。"
                                r"本应用的输出层同样没有激活函数；每个样本一行。",
        "d_note_19": r"逐行比较 $y = z^{{{n}}}$ 与真实值 $y^*$。",
        "d_origin_19": r"推导原文 (19) 是单个样本的损失。本应用所加：对 $B$ 个样本取平均。",
        "d_note_23": r"$a = \mathrm{{softmax}}(y)$，$y = z^{{{n}}}$；先减去最大的 $y_k$，再按 "
                     r"$y - \log\sum_k e^{{y_k}}$ 计算 $\log a$，指数不会溢出。",
        "d_origin_23": r"推导原文 (22)、(23) 给出单个样本的损失。本应用所加：对 $B$ 个样本取平均。",
        "d_ph_loss": "损失",
        "d_ph_output": "输出误差 δ^{n}",
        "d_ph_backward": "反向：第 {l} 层的 {number}",
        "d_ph_update": "更新所有 W 和 b",
        "d_handout_title": "一步 SGD 的完整推导",
        "d_handout_network": "网络 {sizes}，激活函数 f = {f}，损失函数：{loss}，η = {lr}，批大小 B = {B}，第 {step} 步。",
        "d_handout_input": "输入与真实值",
        "d_handout_update": "更新 {number}，第 {l} 层",
        "d_loss_mse": "均方差损失 (19)",
        "d_loss_cross_entropy": "带 softmax 的交叉熵损失 (22), (23)",
        "d_act_identity": "恒等函数",
        "d_act_relu": "ReLU",
        "d_act_tanh": "tanh",
        "d_act_sigmoid": "sigmoid",
        "d_framing_title": "哪些是推导原文的，哪些是本应用加的",
        "d_cell_i": "i（W 的行，第 l 层的神经元）",
        "d_cell_j": "j（W 的列，第 l+1 层的神经元）",
        "d_cell_r": "批中的样本 r",
        "d_cell_table": r"推导原文的 (4) $\partial L/\partial W_{{i,j}} = \delta_j\, z_i$ 的批形式：每个样本一行，"
                        r"用 $a^{{{l}}}$ 代替 $z^{{{l}}}$。",
        "d_rest": "推导的其余部分，代入本步的数值",
        "d_16_title": r"(16)：由 $\delta^n$ 直接得到 $\delta^l$",
        "d_24_title": r"(24) 到 (25)：为什么交叉熵的 $\delta^n$ 如此简单",
        "d_24_regression": "(24) 需要类别标签，而这是回归数据集。",
        "d_entry_title": "一个标量走过链式法则：(2) 到 (4)、(10) 到 (14)、(20)",
        "d_doc_link": "用文字写出的完整推导（标明本应用所加的部分）：见“推导”视图。",
        "d_doc_open": "打开推导",
        "d_doc_missing": "本安装缺少推导的正文。",

        # -- strings that were English-only (issue 11, 中文) --
        "s_language": "语言",
        "n_steps_label": "步数",
        "loss_mse": "均方差损失 ½(y − y*)²",
        "loss_cross_entropy": "softmax 交叉熵损失",
        "ds_xor": "异或 XOR（四个象限的点团）",
        "ds_circles": "同心圆（内圈与外圈）",
        "ds_gaussians": "两个高斯分布",
        "ds_spiral": "螺旋（2 条臂）",
        "ds_spiral3": "螺旋（3 条臂）",
        "ds_sine": "正弦波（回归：y = sin x + 噪声）",
        "ds_plane": "平面（回归：y = 2 x1 - x2 + 0.5 + 噪声）",
        "ds_iris": "鸢尾花（150 个样本，3 个品种）",
        "ds_digits": "手写数字（8×8 像素，10 类）",
        "ds_csv": "上传 CSV…",
        "c_inner": "内圈",
        "c_outer": "外圈",
        "c_arm_1": "第 1 臂",
        "c_arm_2": "第 2 臂",
        "c_arm_3": "第 3 臂",
        "c_setosa": "山鸢尾",
        "c_versicolor": "变色鸢尾",
        "c_virginica": "维吉尼亚鸢尾",
        "p_train_batch": "训练（本批）",
        "p_test_set": "测试（整个测试集）",
        "p_loss_axis": "损失 L",
        "p_step_axis": "步数",
        "p_train": "训练",
        "p_test": "测试",
        "p_class_test": "{name}（测试）",
        "p_predicted_class": "预测类别",
        "p_targets": "目标值 y*",
        "p_surface_key": "● 目标值 y*，▦ 网络的输出 y：同一个色标",
        "p_network_curve": "网络 y(x)",
        "p_delta_title": "δ<sup>{l}</sup>（每个样本一行）",
        "p_norm_delta": "‖δ<sup>l+1</sup>‖（每个样本）",
        "p_update_ratio": "更新比 ‖ΔW<sup>l</sup>‖ / ‖W<sup>l</sup>‖",
        "p_layer": "第 {l} 层",
        "p_new": "{name}（更新后）",
        "p_compare_mse": "均方差损失：δ^{n} = y − y*",
        "p_compare_ce": "交叉熵损失：δ^{n} = a − y*",
        "csv_file": "CSV 文件（第一行是表头，特征为数值）",
        "csv_wait": "上传一个 CSV 文件即可用它训练；在此之前网络继续使用当前数据。",
        "csv_target": "目标列",
        "csv_task": "任务",
        "task_auto": "自动判断",
        "task_classification": "分类",
        "task_regression": "回归",
        "csv_bad": "无法使用这个 CSV：{error}",
        "lr_bad": "η = {text}：{error}。仍使用 η = {lr}。",
        "link_problem": "链接：{problem}",
        "rebuilt": "已按种子 {seed} 重建网络：网络、数据或种子改变了。",
        "diverged_step": "η = {lr:g} 的这一步使损失或权重溢出（不再是有限数）；权重保持为这一步之前的值。",
        # what a link or a widget got wrong (explorer/state.py)
        "q_bad_value": "{param}：{error}；改用默认值 `{default}`。",
        "q_bad_page": "{param}：`{name}` {error}；已忽略。",
        "q_hidden_count": "隐藏层最多 {n} 个",
        "q_hidden_sizes": "隐藏层大小必须是 1 到 {high} 的整数（数字 0–9），用逗号分隔",
        "q_number": "{what}必须是用数字 0–9 写成的数，例如 0.03 或 1e-4",
        "q_lr_range": "学习率 η 必须大于 0 且不超过 {high:g}",
        "q_int_range": "{what}必须是 {low} 到 {high} 的整数，用数字 0–9 书写",
        "q_float_range": "{what}必须是 {low:g} 到 {high:g} 之间的数",
        "q_choice": "{what}必须是以下之一：`{choices}`",
        "q_flag": "必须是 1 或 0",
        "q_hide": "只能隐藏这些部分：`{parts}`",
        "q_needs_classes": "`loss=cross_entropy` 需要类别，而 `{dataset}` 是回归数据集；改用均方差损失。",
        "q_batch_rows": "`batch={batch}` 超过了 {n} 行训练数据；改用 {n}。",
        "what_lr": "学习率 η ",
        "what_batch": "批大小",
        "what_seed": "随机种子",
        "what_noise": "噪声",
        "what_split": "测试集比例",
        "what_dataset": "数据集",
        "what_activation": "激活函数",
        "what_loss": "损失函数",
        "what_step": "要重放到的步数",
        "what_lang": "语言",
        # what is wrong with a data set or an uploaded CSV (explorer/data.py)
        "data_regression_ce": "{name} 是回归数据集（预测的是数值而不是类别），交叉熵损失不适用；请用均方差损失",
        "data_damaged": "随应用提供的 {name!r} 文件已损坏：形状为 {shape}",
        "data_rows_note": "行号从 1 开始，从表头之后的第一行算起。",
        "data_too_big": "文件超过了 {mb} MB 的大小上限。",
        "data_unreadable": "无法读取文件 {name}：{reason}",
        "data_empty": "文件是空的。",
        "data_no_header": "文件是空的：没有表头行，也没有列。",
        "data_not_utf8": "这不是文本格式的 CSV 文件（不是 UTF-8 文本）；请另存为“CSV UTF-8”后重试。",
        "data_long_rows": "无法按 CSV 读取文件：有些行的字段数比表头的列名还多。",
        "data_bad_line": "无法按 CSV 读取文件：第 {line} 行有 {found} 个值，而它之前的行有 {expected} 个；"
                      "请检查是否多了一个逗号，或者某个含逗号的文本值没有加引号。",
        "data_parse": "无法按 CSV 读取文件：请检查是否有未闭合的引号或多余的分隔符。",
        "data_one_column": "文件只有 {n} 列；至少需要 2 列（一个或多个特征，加一个目标）。它是用逗号分隔的吗？",
        "data_many_columns": "文件有 {n} 列，即 {features} 个特征列；最多允许 {high} 个特征列。",
        "data_few_rows": "数据行太少：文件有 {n} 行；至少需要 {low} 行。",
        "data_many_rows": "数据行太多：文件有 {n:,} 行；最多允许 {high:,} 行。",
        "data_no_column": "没有名为 {target} 的列；现有的列是：{columns}。",
        "data_cell": "{column}（第 {row} 行：{value}）",
        "data_not_numeric": "特征列只能包含数值；以下列不是：{cells}。{note}",
        "data_missing": "列 {column} 在第 {row} 行缺少一个值。{note}",
        "data_infinite": "列 {column} 在第 {row} 行有一个无穷大的值。{note}",
        "data_text_target": "目标列 {target} 不是数值，不能作为回归的目标；请选择分类。",
        "data_constant_target": "目标列 {target} 每一行的值都相同，没有可学的东西。",
        "data_class_count": "目标列 {target} 有 {n} 个不同的值；分类需要 2 到 {high} 个类别。",
        # what is wrong with a weights file (explorer/export.py)
        "wf_too_big": "文件超过 {mb} MB",
        "wf_not_npz": "它不是可读取的 .npz 文件（.npz 是由数组组成的压缩包，与本应用保存的格式相同）",
        "wf_unpacks": "它解压后有 {size:.0f} MB，超过 {limit} MB 的上限",
        "wf_pickle": "它含有序列化的程序对象，这类数据一律不加载",
        "wf_unreadable": "它不是可读取的 .npz 文件（{detail}）",
        "wf_not_arrays": "它不是可读取的 .npz 文件（{names} 不是数组）",
        "wf_missing": "缺少 {name}；这个网络需要 W1 … W{n} 和 b1 … b{n}",
        "wf_shape": "{name} 的形状是 {shape}，但这个网络的 {name} 是 {expected}",
        "wf_dtype": "{name} 的值是 {dtype} 类型，不是数",
        "wf_nonfinite": "{name} 含有非数或无穷大的值",
        "wf_extra": "它的层比这个网络 {sizes} 多（{names}）",

    },
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The string `key` in `lang` (English where a translation is missing), formatted with `values`."""
    template = STRINGS.get(lang, {}).get(key) or STRINGS["en"][key]
    return template.format(**values) if values else template


class Message(str):
    """The English text of `key` with `values`, which also keeps both to be said in another
    language. A value that is itself a Message is said in the same language; a list value
    is said item by item, joined by ", "."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, **values: object) -> Message:
        message = super().__new__(cls, _render(key, "en", values))
        message.key, message.values = key, values
        return message

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:  # copy and pickle rebuild from the key
        return (self.key,), self.values

    def to(self, lang: str) -> str:
        return _render(self.key, lang, self.values)


def _render(key: str, lang: str, values: dict[str, object]) -> str:
    return text(key, lang, **{name: _say_value(value, lang) for name, value in values.items()})


def _say_value(value: object, lang: str) -> object:
    if isinstance(value, list):
        return ", ".join(str(say(item, lang)) for item in value)
    return say(value, lang) if isinstance(value, (Message, BaseException)) else value


def say(what: object, lang: str) -> str:
    """A Message, or an error raised with one, in `lang`; anything else as its text."""
    if isinstance(what, BaseException) and what.args and isinstance(what.args[0], Message):
        what = what.args[0]
    return what.to(lang) if isinstance(what, Message) else str(what)


ECHO_LIMIT = 40  # characters of a user's text echoed on the page


def code(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user's text (a link value, a file or column name) as Markdown inline code it cannot
    break out of: at most `limit` characters, anything unprintable (a line break ends a
    paragraph, and the code with it) shown as �, fenced by more backticks than it holds."""
    shown = "".join(c if c.isprintable() else "\ufffd" for c in str(value))
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", shown)), default=0))
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"
