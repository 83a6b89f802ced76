"""Attachments: files in the chat, built as a security feature (docs/protocol.md, docs/SECURITY.md).

files.py decides what an upload is and rewrites it; services.py stores uploads and messages with them;
links.py signs the expiring links; access.py says who may see what; views.py, sending.py are the doors."""
