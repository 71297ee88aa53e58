"""Bearer JWTs: issued by ``jobwire token``, verified by the API and the Socket.IO bridge."""
