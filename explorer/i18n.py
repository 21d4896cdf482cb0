"""Labels and explanations in English and 中文 (the derivation's language).

`text(key, lang)` looks a string up; a key missing in Chinese falls back to English, a
key missing in English is a programming error (KeyError), which the tests catch.
Formula numbers are the derivation's own in both languages.
"""

from __future__ import annotations

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
        "subtitle": "A fully connected network trained by backpropagation, one SGD update at a time, in the "
                    "notation of the derivation: $z^{i+1} = a^i W^i + b^i$, $\\delta^i = \\partial L / \\partial z^i$.",
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
        "view": "View",
        "v_network": "Network",
        "v_equations": "Equations",
        "v_phases": "Phase by phase",
        "v_gradcheck": "Gradient check",
        "v_history": "History",
        "v_export": "Save and load",
        "viewing": "Showing the network as it was after step",
        "viewing_past": "You are looking at step {s} of {n}; Step continues from step {n}.",
        "loss": "Loss",
        "data": "Data and prediction",
        "layers": "Weights W, biases b, gradients and error terms δ",
        "press_step": "Press Step to see δ of the batch, ∂L/∂W and the update ΔW.",
        "diverged": "**Training stopped: the network diverged.** {message} When η is too large, each update "
                    "overshoots and the weights grow until they overflow. Lower η (for example by 10×) and "
                    "press Reset, or keep the current weights and go on.",
        "eq_layer": "Layer l",
        "eq_intro": "The formulas of the last step for layer {l}, with its numbers. Matrices up to {k}×{k} are "
                    "written out; larger ones appear by shape, and the heatmaps carry their values.",
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
        "gc_intro": "Backprop's ∂L/∂W and ∂L/∂b against central differences (L(θ+ε) − L(θ−ε)) / 2ε for "
                    "each parameter (a sample of them in large layers). Relative error below 1e-7: good; "
                    "above 1e-4: wrong.",
        "gc_run": "Run the gradient check",
        "gc_bugs": "Inject a bug (only into the gradients being checked; training is never affected)",
        "gc_ok": "Every layer agrees with finite differences: backprop is right.",
        "gc_caught": "The gradient check catches it: layer(s) {layers} disagree with finite differences.",
        "gc_batch1": "With B = 1 forgetting 1/B changes nothing: take a batch size above 1 to see this bug.",
        "gc_doubtful": "Layer(s) {layers}: the relative error is between 1e-7 and 1e-4, doubtful rather than wrong (rounding in a long chain of products can do this).",
        "gc_kinks": "{n} sample(s) of the batch sit at a ReLU kink (a hidden z near 0), where finite differences are no derivative; they are left out of the check.",
        "gc_all_kinks": "Every sample of the batch sits at a ReLU kink (a hidden z near 0): finite differences cannot check it. Take a step and check again.",
        "history_intro": "Every step is kept (within a memory budget of {mb} MB for this session): scrub back "
                         "with the slider above the views. Below, per layer over the steps:",
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

        # -- links and uploads (issue 8, inputs) --

        # -- live canvas and Play (issue 9) --

        # -- network diagram and colours (issue 10) --

        # -- gradient check and predict-then-step (issue 11) --

        # -- the whole derivation (issue 11) --

        # -- strings that were English-only (issue 11, 中文) --

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
        "subtitle": "全连接网络的反向传播，每次一步 SGD 更新，记号与推导一致：$z^{i+1} = a^i W^i + b^i$，$\\delta^i = \\partial L / \\partial z^i$。",
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
        "view": "视图",
        "v_network": "网络",
        "v_equations": "公式",
        "v_phases": "分阶段",
        "v_gradcheck": "梯度检验",
        "v_history": "历史",
        "v_export": "保存与加载",
        "viewing": "显示第几步之后的网络",
        "viewing_past": "正在查看第 {s} 步（共 {n} 步）；单步将从第 {n} 步继续。",
        "loss": "损失",
        "data": "数据与预测",
        "layers": "权重 W、偏置 b、梯度与误差项 δ",
        "press_step": "点击“单步”后可看到本批的 δ、∂L/∂W 和更新量 ΔW。",
        "diverged": "**训练已停止：网络发散。** {message} 学习率 η 过大时，每次更新都会越过最优点，权重不断增大直至溢出。"
                    "请把 η 调小（例如缩小 10 倍）后点击重置，或保留当前权重继续。",
        "eq_layer": "第 l 层",
        "eq_intro": "第 {l} 层在最近一步中的公式与数值。不超过 {k}×{k} 的矩阵会写出全部元素，更大的只写形状，数值见热力图。",
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
        "gc_intro": "用中心差分 (L(θ+ε) − L(θ−ε)) / 2ε 逐个检验反向传播得到的 ∂L/∂W 和 ∂L/∂b（大层抽样）。"
                    "相对误差小于 1e-7 为正确，大于 1e-4 为错误。",
        "gc_run": "运行梯度检验",
        "gc_bugs": "注入错误（只影响被检验的梯度，不影响训练）",
        "gc_ok": "每一层都与有限差分一致：反向传播是正确的。",
        "gc_caught": "梯度检验发现了错误：第 {layers} 层与有限差分不一致。",
        "gc_batch1": "B = 1 时忘记 1/B 不会改变结果：把批大小设为大于 1 才能看到这个错误。",
        "gc_doubtful": "第 {layers} 层：相对误差在 1e-7 与 1e-4 之间，存疑而非错误（长串乘积的舍入误差可能造成）。",
        "gc_kinks": "本批有 {n} 个样本位于 ReLU 的折点（某个隐藏层 z 接近 0），有限差分在那里不是导数，已从检验中排除。",
        "gc_all_kinks": "本批每个样本都位于 ReLU 折点（隐藏层 z 接近 0），无法用有限差分检验。请先走一步再检验。",
        "history_intro": "每一步都会保存（本会话内存上限 {mb} MB）：用视图上方的滑块回看。下面是各层随步数的变化：",
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

        # -- links and uploads (issue 8, inputs) --

        # -- live canvas and Play (issue 9) --

        # -- network diagram and colours (issue 10) --

        # -- gradient check and predict-then-step (issue 11) --

        # -- the whole derivation (issue 11) --

        # -- strings that were English-only (issue 11, 中文) --

    },
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The string `key` in `lang` (English where a translation is missing), formatted with `values`."""
    template = STRINGS.get(lang, {}).get(key) or STRINGS["en"][key]
    return template.format(**values) if values else template
