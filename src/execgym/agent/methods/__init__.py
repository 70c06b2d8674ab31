"""Agent methods: ReCode and the ReAct and CodeAct baselines, each registered by name."""
