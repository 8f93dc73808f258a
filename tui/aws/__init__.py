"""The AWS layer: plain Python over boto3. Nothing here may import Textual or Rich."""
