"""A loopback HTTPS stand-in for Microsoft's endpoints: the cloud metadata document, Entra ID's
OpenID discovery and token endpoint, and the Microsoft Graph calls that the project and an
administrator make (`python -m lab.entra --state-dir DIR`; the interface: `__main__.py`).

It answers as Microsoft's docs (and, where they are silent, cited issue threads) say Microsoft
answers; an unknown call fails loudly (501). Nothing of it is imported by the Pulumi program.
"""
