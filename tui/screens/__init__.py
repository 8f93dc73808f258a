"""Every screen: main.py (the panes, under everything), the flow screens here (guide, plan,
credentials, access keys, MFA, root MFA, user), dialogs/ and forms/."""
